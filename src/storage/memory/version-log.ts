/**
 * The validity history of one node or edge: versions with [from, to) intervals, in time order.
 * A new version is added only when content changes, so history grows with changes, not with the
 * number of syncs. Times are ISO strings of one format, so they compare as strings.
 */
export interface Version<T> {
  value: T;
  from: string;
  to?: string;
}

export class VersionLog<T> {
  private readonly logs = new Map<string, Version<T>[]>();

  /** Record `value` as valid from `at`; `same` says whether it equals the open version. */
  write(id: string, value: T, at: string, same: (a: T, b: T) => boolean): void {
    const log = this.logs.get(id);
    if (!log) {
      this.logs.set(id, [{ value, from: at }]);
      return;
    }
    const last = log[log.length - 1]!;
    if (last.to === undefined && same(last.value, value)) return;
    if (last.to === undefined) {
      if (last.from >= at) {
        // Rewritten at the same moment (or a clock behind): the newer write replaces it.
        log[log.length - 1] = { value, from: last.from };
        return;
      }
      last.to = at;
    }
    log.push({ value, from: at });
  }

  /** The open version stops being valid at `at` (an edge removed). */
  close(id: string, at: string): void {
    const last = this.logs.get(id)?.at(-1);
    if (last && last.to === undefined) {
      if (last.from >= at) this.logs.get(id)!.pop();
      else last.to = at;
    }
  }

  at(id: string, time: string): T | undefined {
    const log = this.logs.get(id);
    if (!log) return undefined;
    for (let i = log.length - 1; i >= 0; i--) {
      const v = log[i]!;
      if (v.from <= time) return v.to === undefined || time < v.to ? v.value : undefined;
    }
    return undefined;
  }

  ids(): IterableIterator<string> {
    return this.logs.keys();
  }

  /** For persistence. */
  entries(): [string, Version<T>[]][] {
    return [...this.logs];
  }

  restore(entries: [string, Version<T>[]][]): void {
    for (const [id, log] of entries) this.logs.set(id, log);
  }

  get versionCount(): number {
    let n = 0;
    for (const log of this.logs.values()) n += log.length;
    return n;
  }
}

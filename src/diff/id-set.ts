import { idTable } from './id-table.ts';
import type { IdTable } from './id-table.ts';

/**
 * A read-only set over an array of distinct ids, indexed only when first asked: the diff's
 * GraphChangeSet.newEdgeIds, 3M ids on a 1M-node first sync. A Set<string> of them cost ~1 µs an
 * id to build and ~100 MB, and the SQLite store never asks it anything (only Neo4j does).
 */
export class IdArraySet implements ReadonlySet<string> {
  #table: IdTable | undefined;

  constructor(private readonly ids: readonly string[]) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    const ids = this.ids;
    this.#table ??= idTable(ids.length, (i) => ids[i]);
    return this.#table.has(id);
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.ids) callback.call(thisArg, id, id, this);
  }

  *entries(): SetIterator<[string, string]> {
    for (const id of this.ids) yield [id, id];
  }

  *keys(): SetIterator<string> {
    yield* this.ids;
  }

  values(): SetIterator<string> {
    return this.keys();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.keys();
  }
}

/**
 * Answers kept per moment and id, made on first ask. A drift asks the same few moments millions
 * of times on a large change: a map per moment spares building a compound key on every lookup.
 */
export class MomentCache<V> {
  private readonly byMoment = new Map<string, Map<string, V>>();

  get(asOf: string, id: string, make: () => V): V {
    let answers = this.byMoment.get(asOf);
    if (!answers) this.byMoment.set(asOf, (answers = new Map<string, V>()));
    let found = answers.get(id);
    if (found === undefined) answers.set(id, (found = make()));
    return found;
  }

  /** The answer if it was made, without making it. */
  peek(asOf: string, id: string): V | undefined {
    return this.byMoment.get(asOf)?.get(id);
  }
}

// Derived answers (execution chains) cost far more than reading them out. Two ways to compute one
// less often, both exact:
//   * identical requests that arrive while one is being computed share that computation;
//   * an answer is kept until the tenant's data changes, as the store's dataVersion tells —
//     whoever wrote it: another API replica, a CLI load, a sync worker. The version is read before
//     the answer is computed, so an answer is never kept under a version older than its data.
//     A store that cannot tell (dataVersion undefined) gets no such cache.
//   Besides, a replica that hears of a tenant's completed sync (authgraph.syncs.completed, see
//   sync-completions.ts) drops that tenant's answers at once: they are stale, so keeping them
//   only holds memory. Correctness never rests on that message, nor on this process's memory: the
//   version is read from the store on every request.

export class SharedResults {
  private readonly kept = new Map<string, { version: string; value: unknown }>();
  private readonly running = new Map<string, { version: string | undefined; promise: Promise<unknown> }>();

  constructor(private readonly maxKept = 500) {}

  /** Drops the tenant's kept answers (keys start with the tenant id and a NUL); returns how many. */
  forgetTenant(tenantId: string): number {
    const prefix = `${tenantId}\u0000`;
    let dropped = 0;
    for (const key of [...this.kept.keys()]) {
      if (key.startsWith(prefix)) {
        this.kept.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** How many answers are kept (for tests and logs). */
  get size(): number {
    return this.kept.size;
  }

  /** `compute()`'s answer for this key and data version, computed once however many ask. */
  get<T>(key: string, version: string | undefined, compute: () => Promise<T>): Promise<T> {
    const kept = this.kept.get(key);
    if (kept && version !== undefined && kept.version === version) {
      this.kept.delete(key); // most recently used goes last
      this.kept.set(key, kept);
      return Promise.resolve(kept.value as T);
    }
    const running = this.running.get(key);
    if (running && running.version === version) return running.promise as Promise<T>;
    const promise = compute();
    this.running.set(key, { version, promise });
    const done = () => {
      if (this.running.get(key)?.promise === promise) this.running.delete(key);
    };
    promise.then((value) => {
      done();
      if (version === undefined) return;
      this.kept.delete(key);
      this.kept.set(key, { version, value });
      if (this.kept.size > this.maxKept) this.kept.delete(this.kept.keys().next().value!);
    }, done);
    return promise;
  }
}

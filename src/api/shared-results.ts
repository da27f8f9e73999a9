import { MemoryStorageAdapter } from '../storage/memory/MemoryStorageAdapter.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

// Derived answers (execution chains) cost far more than reading them out. Two ways to compute one
// less often, both exact:
//   * identical requests that arrive while one is being computed share that computation;
//   * when this process is the only writer of the store (the embedded memory store: it is loaded
//     at start and written only through this process's adapter), an answer is kept until the
//     tenant's data changes. A store other processes write (Neo4j) gets no such cache: this
//     process cannot see their writes.

/** Storage methods that never change data; any other call counts as a write. */
const READS = new Set([
  'getNode',
  'getNodes',
  'getNodesByType',
  'listNodes',
  'postureCounts',
  'getEdgesForNode',
  'queryPaths',
  'queryEvents',
  'queryEventPage',
  'getLastSyncState',
  'listSyncStates',
  'getGraphForConnector',
  'close',
]);

export interface VersionedStorage {
  /** Use this for everything, so every write is seen. */
  storage: StorageAdapter;
  /** Changes whenever the tenant's data may have changed; undefined when writes can't be seen. */
  versionOf(tenantId: string): number | undefined;
}

/**
 * The store, with write counting when this process is its only writer. A write bumps its tenant's
 * version when it starts and again when it ends, so nothing computed across a write is kept.
 */
export function versioned(storage: StorageAdapter): VersionedStorage {
  if (!(storage instanceof MemoryStorageAdapter)) return { storage, versionOf: () => undefined };
  const versions = new Map<string, number>();
  const bump = (tenantId: unknown) => {
    if (typeof tenantId === 'string') versions.set(tenantId, (versions.get(tenantId) ?? 0) + 1);
  };
  const counted = new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || READS.has(prop)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) => {
        bump(args[0]);
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? result.finally(() => bump(args[0])) : result;
      };
    },
  });
  return { storage: counted, versionOf: (tenantId) => versions.get(tenantId) ?? 0 };
}

export class SharedResults {
  private readonly kept = new Map<string, { version: number; value: unknown }>();
  private readonly running = new Map<string, { version: number | undefined; promise: Promise<unknown> }>();

  constructor(private readonly maxKept = 500) {}

  /** `compute()`'s answer for this key and data version, computed once however many ask. */
  get<T>(key: string, version: number | undefined, compute: () => Promise<T>): Promise<T> {
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

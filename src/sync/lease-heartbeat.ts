import type { LeaseStore } from '../storage/StorageAdapter.ts';

/**
 * Holds a lease while work runs: a short TTL renewed on a heartbeat. If the process or its
 * database dies, the lease lapses within one TTL instead of blocking the instance for the whole
 * sync timeout.
 */
export class LeaseHeartbeat {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: LeaseStore,
    readonly key: string,
    private readonly owner: string,
  ) {}

  /** The held lease, or undefined when someone else holds it. */
  static async acquire(store: LeaseStore, key: string, owner: string, ttlMs: number): Promise<LeaseHeartbeat | undefined> {
    if (!(await store.tryAcquireLease(key, owner, ttlMs))) return undefined;
    const lease = new LeaseHeartbeat(store, key, owner);
    lease.timer = setInterval(() => void store.tryAcquireLease(key, owner, ttlMs).catch(() => {}), Math.max(50, Math.floor(ttlMs / 3)));
    lease.timer.unref();
    return lease;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.store.releaseLease(this.key, this.owner).catch(() => {});
  }
}

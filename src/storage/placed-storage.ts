import { compareOutbox } from '../model/index.ts';
import type { OutboxKey, StorageAdapter } from './StorageAdapter.ts';

/**
 * How each StorageAdapter method is routed over several stores. 'tenant': its first argument is a
 * tenant id, and the call goes to that tenant's store. The rest are system-wide and say here how
 * they are answered. A Record over every method name, so a method added to the interface does not
 * compile until someone decides how it routes.
 */
const ROUTES: Record<keyof StorageAdapter, 'tenant' | 'system'> = {
  getNode: 'tenant',
  getNodesByType: 'tenant',
  getEdgesForNode: 'tenant',
  getEdges: 'tenant',
  queryPaths: 'tenant',
  queryEvents: 'tenant',
  queryEventPage: 'tenant',
  lastCompletedSync: 'tenant',
  previousState: 'tenant',
  getGraphForConnector: 'tenant',
  commitSync: 'tenant',
  saveSyncState: 'tenant',
  listSyncStates: 'tenant',
  getNodes: 'tenant',
  listNodes: 'tenant',
  postureCounts: 'tenant',
  dataVersion: 'tenant',
  enqueueOutbox: 'tenant',
  listOutbox: 'tenant',
  // Every store's outbox, merged in outbox order / marks split by the tenant's store.
  pendingOutbox: 'system',
  markOutboxSent: 'system',
  outboxStats: 'system',
  // Leases coordinate processes, not data: all of them on the lease store, whatever they name.
  tryAcquireLease: 'system',
  releaseLease: 'system',
  close: 'system',
};

/**
 * One StorageAdapter over several (tenants placed on several Neo4j servers, placement.ts): a
 * tenant's reads and writes go to its own store only, so no query can meet another server's
 * tenants; the outbox relay sees every store's rows; leases live on one store (`leaseStore`).
 * The API, the sync engine and the relay use it like any adapter.
 */
export function placedStorage(stores: ReadonlyMap<string, StorageAdapter>, storeOf: (tenantId: string) => string, leaseStore: string): StorageAdapter {
  const store = (name: string): StorageAdapter => {
    const found = stores.get(name);
    if (!found) throw new Error(`no store "${name}" in the placement`);
    return found;
  };
  const forTenant = (tenantId: unknown): StorageAdapter => {
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new Error('a tenant-scoped storage call needs a tenant id');
    return store(storeOf(tenantId));
  };
  const all = [...stores.values()];

  const system: Pick<StorageAdapter, 'pendingOutbox' | 'markOutboxSent' | 'outboxStats' | 'tryAcquireLease' | 'releaseLease' | 'close'> = {
    async pendingOutbox(limit, tenantId) {
      if (tenantId !== undefined) return forTenant(tenantId).pendingOutbox(limit, tenantId);
      // Each store's oldest `limit`, merged: the overall oldest `limit` are among them.
      const rows = (await Promise.all(all.map((s) => s.pendingOutbox(limit)))).flat();
      return rows.sort(compareOutbox).slice(0, limit);
    },
    async markOutboxSent(keys, sentAt) {
      const byStore = new Map<string, OutboxKey[]>();
      for (const key of keys) {
        const name = storeOf(key.tenantId);
        byStore.set(name, [...(byStore.get(name) ?? []), key]);
      }
      await Promise.all([...byStore].map(([name, list]) => store(name).markOutboxSent(list, sentAt)));
    },
    async outboxStats() {
      const stats = await Promise.all(all.map((s) => s.outboxStats()));
      return stats.reduce((sum, s) => ({ pending: sum.pending + s.pending, sent: sum.sent + s.sent }), { pending: 0, sent: 0 });
    },
    tryAcquireLease: (key, owner, ttlMs) => store(leaseStore).tryAcquireLease(key, owner, ttlMs),
    releaseLease: (key, owner) => store(leaseStore).releaseLease(key, owner),
    async close() {
      await Promise.all(all.map((s) => s.close()));
    },
  };

  const routed = {} as Record<string, unknown>;
  for (const [method, route] of Object.entries(ROUTES) as [keyof StorageAdapter, 'tenant' | 'system'][]) {
    routed[method] =
      route === 'system'
        ? system[method as keyof typeof system]
        : (tenantId: string, ...rest: unknown[]) => {
            const target = forTenant(tenantId);
            return (target[method] as (...a: unknown[]) => unknown).call(target, tenantId, ...rest);
          };
  }
  return routed as unknown as StorageAdapter;
}

import type { ManagedTransaction } from 'neo4j-driver';
import { render } from './cypher-files.ts';

// A tenant's rows carry the id of its home, which is the tenant's own id until a staged first sync
// moves the tenant (staged-commit.ts). Why: a first sync of a 100k-node tenant writes ~1.2M rows,
// more than one transaction of the local server can hold, so they are written in many transactions
// under a new home no reader knows yet, and the switch that makes all of them visible at once is
// one small write, the (:TenantHome) pointer, instead of an update of every row. Every tenant
// transaction therefore reads the home first (one index seek) and runs its statements with it; a
// write takes the home's lock before reading it (cypher/tenant/home-lock.cypher).

/** The id the tenant's rows are stored under, read in `tx`. */
export async function homeOf(tx: ManagedTransaction, tenantId: string): Promise<string> {
  return ((await tx.run(render('tenantHome'), { tenantId })).records[0]?.get('storedAs') as string | undefined) ?? tenantId;
}

/**
 * homeOf for a transaction that writes: the home's lock is held until `tx` ends. The read is sent
 * right behind the lock (the server runs it after the lock is taken): one round trip, not two.
 */
export async function lockedHomeOf(tx: ManagedTransaction, tenantId: string): Promise<string> {
  const [, home] = await Promise.all([tx.run(render('tenantHomeLock'), { tenantId }), homeOf(tx, tenantId)]);
  return home;
}

/** Whether the home holds no graph, history, event or outbox row: a staged first sync may replace it. */
export async function homeIsEmpty(tx: ManagedTransaction, storedAs: string): Promise<boolean> {
  return (await tx.run(render('tenantHomeEmpty'), { storedAs })).records[0]?.get('empty') === true;
}

/** Hidden homes start with NUL, as staging ids do: no real tenant id holds one. */
export const HIDDEN_PREFIX = '\u0000';

/**
 * The home a connector's staged first sync is written under: invisible (no TenantHome names it)
 * until switchHome. One of two ids per tenant and connector, never `current` (the tenant's home
 * now), so whatever a dead process left under it can be purged before staging again.
 */
export function stagedHome(tenantId: string, connectorId: string, current: string): string {
  const home = `${HIDDEN_PREFIX}home\u0000${tenantId}\u0000${connectorId}`;
  return current === home ? `${home}\u0000b` : home;
}

/** Make `to` the tenant's home, moving its sync records from `from`; the caller holds the lock. */
export async function switchHome(tx: ManagedTransaction, tenantId: string, from: string, to: string): Promise<void> {
  await tx.run(render('tenantHomeSwitch'), { tenantId, from, to });
}

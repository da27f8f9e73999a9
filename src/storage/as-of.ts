import { DateTime } from '../model/index.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

export class UnknownAsOfError extends Error {
  override readonly name = 'UnknownAsOfError';
}

/**
 * An `asOf` argument is a timestamp or a sync id. A sync id means "as that sync left the graph":
 * the validity time of what it wrote (its graph's transformedAt, else its completion time).
 */
export async function resolveAsOf(storage: StorageAdapter, tenantId: string, asOf: string | undefined): Promise<string | undefined> {
  if (asOf === undefined) return undefined;
  if (DateTime.safeParse(asOf).success) return new Date(asOf).toISOString();
  const sync = (await storage.listSyncStates(tenantId, { limit: 10_000 })).find((s) => s.syncId === asOf);
  if (!sync) throw new UnknownAsOfError(`asOf must be an ISO timestamp or a known sync id; no sync ${asOf} in this tenant`);
  return new Date(sync.validAt ?? sync.completedAt ?? sync.startedAt).toISOString();
}

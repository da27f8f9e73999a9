import { randomBytes } from 'node:crypto';

/** A sync id that sorts by start time and never repeats: `sync-<utc time>-<random>`. */
export function newSyncId(now = new Date()): string {
  return `sync-${now.toISOString().replace(/[-:.]/g, '').replace('T', 't').toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

/** Each connector's record in a tenant sync gets its own id, derived from the run's. */
export function connectorSyncId(runSyncId: string, connectorId: string): string {
  return `${runSyncId}.${connectorId}`;
}

import type { GraphChangeSet, GraphEvent } from '../../src/model/index.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';

let counter = 0;

/**
 * Writes outside a connector sync, for tests that need a graph no connector would produce (a
 * CALLS cycle, a hand-renamed node): the change set is committed through commitSync, the only
 * write door a StorageAdapter has, as a sync record of its own.
 */
export async function commitChanges(
  storage: StorageAdapter,
  tenantId: string,
  changes: Partial<GraphChangeSet>,
  options: { connectorId?: string; at?: string; events?: GraphEvent[] } = {},
): Promise<string> {
  const at = options.at ?? new Date().toISOString();
  const connectorId = options.connectorId ?? 'manual';
  const syncId = `hand-${process.pid}-${++counter}`;
  await storage.commitSync(tenantId, {
    connectorId,
    changes: { upsertNodes: [], upsertEdges: [], removeEdgeIds: [], ...changes },
    events: options.events ?? [],
    syncState: { syncId, tenantId, connectorId, mode: 'full', status: 'completed', startedAt: at, completedAt: at, validAt: at, errors: [] },
  });
  return syncId;
}

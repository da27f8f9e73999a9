import { diffGraphs } from '../diff/index.ts';
import type { DiffResult, NormalizedGraph, SyncMode, SyncState } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

export interface ApplyGraphOptions {
  mode?: SyncMode;
  startedAt?: string;
  deltaToken?: string;
  cursor?: SyncState['cursor'];
}

/**
 * Diff a validated graph against what storage holds for its connector, then commit the changes,
 * the events and the sync record as one unit. Loading the same graph twice changes nothing.
 */
export async function applyGraph(
  storage: StorageAdapter,
  graph: NormalizedGraph,
  options: ApplyGraphOptions = {},
): Promise<DiffResult> {
  const previous = await storage.getGraphForConnector(graph.tenantId, graph.connectorId);
  const { result, changes } = diffGraphs(previous, graph);
  const syncState: SyncState = {
    syncId: graph.syncId,
    tenantId: graph.tenantId,
    connectorId: graph.connectorId,
    mode: options.mode ?? 'full',
    status: result.deletionsWithheld.some((w) => w.endsWith('incomplete_extraction')) ? 'partial' : 'completed',
    startedAt: options.startedAt ?? graph.transformedAt,
    completedAt: new Date().toISOString(),
    counts: {
      nodesCreated: result.nodesCreated,
      nodesUpdated: result.nodesUpdated,
      nodesDeleted: result.nodesDeleted,
      edgesCreated: result.edgesCreated,
      edgesUpdated: result.edgesUpdated,
      edgesRemoved: result.edgesRemoved,
      events: result.events.length,
    },
    errors: [],
    evidenceCompleteness: graph.evidenceCompleteness,
    ...(options.deltaToken ? { deltaToken: options.deltaToken } : {}),
    ...(options.cursor ? { cursor: options.cursor } : {}),
  };
  await storage.commitSync(graph.tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState });
  return result;
}

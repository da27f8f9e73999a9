import { diffGraphs } from '../diff/index.ts';
import type { DiffResult, NormalizedGraph, SyncMode, SyncState } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { lazyOutboxMessagesForSync } from '../events/outbox-messages.ts';
import { readPreviousGraph } from './previous-graph.ts';
import type { PreviousGraph } from './previous-graph.ts';

export interface ApplyGraphOptions {
  mode?: SyncMode;
  startedAt?: string;
  deltaToken?: string;
  cursor?: SyncState['cursor'];
  /** Connector errors to record (a partial extraction's skipped entities). */
  errors?: SyncState['errors'];
  /** The previous state to diff against, when the caller already read it (an incremental overlay). */
  previous?: PreviousGraph;
}

/**
 * Diff a validated graph against what storage holds for its connector, then commit the changes,
 * the events, their outbox rows and the sync record as one unit. Loading the same graph twice
 * changes nothing and publishes nothing new.
 */
export async function applyGraph(
  storage: StorageAdapter,
  graph: NormalizedGraph,
  options: ApplyGraphOptions = {},
): Promise<DiffResult> {
  const { previous, diffOptions } = options.previous ?? (await readPreviousGraph(storage, graph));
  const { result, changes } = diffGraphs(previous, graph, diffOptions);
  const syncState: SyncState = {
    syncId: graph.syncId,
    tenantId: graph.tenantId,
    connectorId: graph.connectorId,
    mode: options.mode ?? 'full',
    status: options.errors?.length || result.deletionsWithheld.some((w) => w.endsWith('incomplete_extraction')) ? 'partial' : 'completed',
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
    errors: options.errors ?? [],
    evidenceCompleteness: graph.evidenceCompleteness,
    validAt: graph.transformedAt,
    ...(options.mode === 'full' || !options.mode ? { baselineTakenAt: graph.transformedAt } : {}),
    ...(scopeOf(graph) ? { sourceScope: scopeOf(graph)! } : {}),
    ...(options.deltaToken ? { deltaToken: options.deltaToken } : {}),
    ...(options.cursor ? { cursor: options.cursor } : {}),
  };
  const outbox = lazyOutboxMessagesForSync(result.events, syncState, syncState.completedAt);
  await storage.commitSync(graph.tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, outbox });
  return result;
}

/** The scope most of the graph's nodes share: the connector's own source instance. */
function scopeOf(graph: NormalizedGraph): string | undefined {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) counts.set(n.sourceScope, (counts.get(n.sourceScope) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

import type { NormalizedEdge } from './edge.ts';
import type { GraphEvent } from './events.ts';
import type { NormalizedNode } from './node.ts';
import type { OutboxMessage } from './outbox.ts';
import type { SyncState } from './sync-state.ts';

/**
 * What a diff asks storage to change. Deleted nodes are not removed: they arrive in upsertNodes as
 * tombstones (status 'deleted', deletedAt set) and their edges arrive in removeEdgeIds.
 */
export interface GraphChangeSet {
  upsertNodes: NormalizedNode[];
  upsertEdges: NormalizedEdge[];
  removeEdgeIds: string[];
  /**
   * Ids in upsertEdges that the connector's stored state did not hold: a store may create these
   * without looking for an existing edge first. A hint: a store must still cope with one that
   * exists (written by another connector), and may ignore it.
   */
  newEdgeIds?: ReadonlySet<string>;
}

/** One sync's writes, committed together or not at all (DESIGN data flow, "one atomic unit"). */
export interface SyncCommit {
  connectorId: string;
  changes: GraphChangeSet;
  events: GraphEvent[];
  syncState: SyncState;
  /**
   * Messages announcing this sync, published later by the outbox relay. Any iterable that can be
   * walked more than once: a large sync's rows are made as the store writes them, never all held.
   */
  outbox?: Iterable<OutboxMessage>;
  /**
   * Publish this commit's events: each is an outbox entry of batch `syncState.syncId` at its index
   * in `events`, created at `createdAt`, before the `outbox` messages (which take positions after
   * the last event). The store keeps the event once (EventOutboxEntry), not a serialized copy.
   */
  publishEvents?: { createdAt: string };
}

/** The graph a connector owns in storage: live nodes and edges, no tombstones. */
export interface StoredGraph {
  nodes: NormalizedNode[];
  edges: NormalizedEdge[];
}

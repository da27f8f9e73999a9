import neo4j from 'neo4j-driver';
import { EDGE_ENDPOINTS, EDGE_TYPES, MAX_PATH_DEPTH, NODE_TYPES } from '../../model/index.ts';
import type { EdgeType, GraphEvent, NodeType, NormalizedEdge, NormalizedNode, OutboxEntry, PathQuery } from '../../model/index.ts';
import type { EdgeDirection } from '../StorageAdapter.ts';
import { render } from './cypher-files.ts';
import { filterPredicates } from './filters.ts';
import { NODE_LABEL, NODE_TYPE_LABELS, historyTypeFor, labelFor, relationshipTypeFor } from './labels.ts';
import { edgeRow, eventRows, nodeRow, outboxRow } from './rows.ts';

// Statement builders: pure functions from validated input to Cypher text and parameters, so the
// generated Cypher is checked without a database (test/unit/storage-neo4j).

export interface Statement {
  text: string;
  params: Record<string, unknown>;
}

/**
 * Rows per UNWIND statement, chosen by measurement (npm run bench:neo4j -- --batch-sweep=…): the
 * adapter's bulk load of a 10k-node / 30k-edge tenant ran at 8,902 rows/s in batches of 1,000,
 * 9,334 of 2,500, 9,931 of 5,000 and 10,645 of 10,000 (load ~3 on two cores). Larger batches
 * gain little more and hold more parameters in both heaps.
 */
export const DEFAULT_BATCH_SIZE = 10_000;

/** A write outside a sync: keeps the connector a node or edge already has (memory adapter rule). */
export const MANUAL_CONNECTOR = 'manual';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function groupBy<T, K extends string>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(item);
  }
  return groups;
}

const ALL_TYPE_LABELS = NODE_TYPES.map((t) => `:${NODE_TYPE_LABELS[t]}`).join('');

/**
 * Node upserts, one statement per type label and batch. Labels are resolved for every node before
 * any statement is built, so one bad type rejects the whole write. `at` (an ISO time) is when the
 * written content becomes valid: a sync's validAt, or now for a write outside a sync (history).
 */
export function nodeUpserts(tenantId: string, nodes: readonly NormalizedNode[], connectorId: string, at: string, batchSize = DEFAULT_BATCH_SIZE): Statement[] {
  return [...nodeUpsertBatches(tenantId, nodes, connectorId, at, batchSize)];
}

/** nodeUpserts one statement at a time: a million rows never become parameters all at once. */
export function nodeUpsertBatches(
  tenantId: string,
  nodes: readonly NormalizedNode[],
  connectorId: string,
  at: string,
  batchSize = DEFAULT_BATCH_SIZE,
): Iterable<Statement> {
  const byType = groupBy(nodes, (n) => n.nodeType as NodeType);
  const texts = new Map([...byType.keys()].map((type) => [type, render('nodeUpsert', { LABEL: labelFor(type), ALL_TYPE_LABELS })]));
  return (function* () {
    for (const [type, list] of byType) {
      for (const batch of chunks(list, batchSize)) {
        yield { text: texts.get(type)!, params: { tenantId, connectorId, at, rows: batch.map((n) => nodeRow(tenantId, n)) } };
      }
    }
  })();
}

/** Edge upserts, one statement per relationship type and batch; unknown types rejected up front. */
export function edgeUpserts(tenantId: string, edges: readonly NormalizedEdge[], connectorId: string, at: string, batchSize = DEFAULT_BATCH_SIZE): Statement[] {
  return [...edgeUpsertBatches(tenantId, edges, connectorId, at, batchSize)];
}

export function edgeUpsertBatches(
  tenantId: string,
  edges: readonly NormalizedEdge[],
  connectorId: string,
  at: string,
  batchSize = DEFAULT_BATCH_SIZE,
): Iterable<Statement> {
  const byType = groupBy(edges, (e) => e.edgeType as EdgeType);
  const texts = new Map(
    [...byType.keys()].map((type) => [type, render('edgeUpsert', { TYPE: relationshipTypeFor(type), HISTORY_TYPE: historyTypeFor(type) })]),
  );
  return (function* () {
    for (const [type, list] of byType) {
      for (const batch of chunks(list, batchSize)) {
        yield { text: texts.get(type)!, params: { tenantId, connectorId, at, rows: batch.map((e) => edgeRow(tenantId, e)) } };
      }
    }
  })();
}

/**
 * Creates of edges known to be new (edges/create.cypher), one statement per relationship type,
 * pair of endpoint labels and batch. An end's label is its node type when `typeOf` knows it (the
 * nodes written in the same commit), else the one type the edge type allows there, else `Node`.
 * Each statement returns how many rows it created; missingEdges finds the rest (see the Cypher).
 */
export function edgeCreateBatches(
  tenantId: string,
  edges: readonly NormalizedEdge[],
  typeOf: (nodeId: string) => NodeType | undefined,
  connectorId: string,
  at: string,
  batchSize = DEFAULT_BATCH_SIZE,
): Iterable<Statement & { type: EdgeType }> {
  const endLabel = (nodeId: string, allowed: readonly NodeType[]) => {
    const type = typeOf(nodeId) ?? (allowed.length === 1 ? allowed[0] : undefined);
    return type ? labelFor(type) : NODE_LABEL;
  };
  const groups = groupBy(edges, (e) => {
    const ends = EDGE_ENDPOINTS[relationshipTypeFor(e.edgeType)];
    return `${e.edgeType}|${endLabel(e.sourceNodeId, ends.from)}|${endLabel(e.targetNodeId, ends.to)}`;
  });
  return (function* () {
    for (const [key, list] of groups) {
      const [type, sourceLabel, targetLabel] = key.split('|') as [string, string, string];
      const text = render('edgeCreate', { TYPE: relationshipTypeFor(type), SOURCE_LABEL: sourceLabel, TARGET_LABEL: targetLabel });
      for (const batch of chunks(list, batchSize)) {
        // Connector and validity go in each row's props: one SET, as in the bare CREATE.
        const rows = batch.map((e) => {
          const row = edgeRow(tenantId, e);
          row.props.connectorId = connectorId;
          row.props.validFrom = at;
          return row;
        });
        yield { text, params: { tenantId, rows }, type: relationshipTypeFor(type) };
      }
    }
  })();
}

/** Which of `edgeIds` (of one type) are not stored: edges/create.cypher's misses. */
export function missingEdges(tenantId: string, type: EdgeType, edgeIds: readonly string[]): Statement {
  return { text: render('edgeMissing', { TYPE: relationshipTypeFor(type) }), params: { tenantId, edgeIds } };
}

/**
 * Edge removals by id, each removed version archived as closed at `at`. The id index is per
 * relationship type and an id does not say its type, so each batch is tried against every type;
 * each try is one index seek per id.
 */
export function edgeRemovals(
  tenantId: string,
  edgeIds: readonly string[],
  types: readonly EdgeType[],
  at: string,
  batchSize = DEFAULT_BATCH_SIZE,
): Statement[] {
  if (edgeIds.length === 0) return [];
  const statements: Statement[] = [];
  for (const type of types) {
    const text = render('edgeRemoveById', { TYPE: relationshipTypeFor(type), HISTORY_TYPE: historyTypeFor(type) });
    for (const batch of chunks(edgeIds, batchSize)) statements.push({ text, params: { tenantId, edgeIds: batch, at } });
  }
  return statements;
}

/**
 * Tombstones keep no edges: one statement per edge type and batch, so the history relationships
 * of a tombstoned node stay (a pattern over every type would take them too).
 */
export function tombstoneEdgeRemovals(
  tenantId: string,
  nodes: readonly NormalizedNode[],
  at: string,
  batchSize = DEFAULT_BATCH_SIZE,
  types: readonly EdgeType[] = EDGE_TYPES,
): Statement[] {
  const ids = nodes.filter((n) => n.deletedAt).map((n) => n.nodeId);
  if (ids.length === 0) return [];
  return types.map(relationshipTypeFor).flatMap((type) => {
    const text = render('nodeDropEdges', { TYPE: type, HISTORY_TYPE: historyTypeFor(type) });
    return chunks(ids, batchSize).map((batch) => ({ text, params: { tenantId, nodeIds: batch, at } }));
  });
}

/** Statements asking which current relationship types touch the tombstones among `nodes` (nodes/edge-types.cypher). */
export function tombstoneEdgeTypes(tenantId: string, nodes: readonly NormalizedNode[], batchSize = DEFAULT_BATCH_SIZE): Statement[] {
  const ids = nodes.filter((n) => n.deletedAt).map((n) => n.nodeId);
  const types = EDGE_TYPES.map(relationshipTypeFor);
  return chunks(ids, batchSize).map((batch) => ({ text: render('nodeEdgeTypes'), params: { tenantId, nodeIds: batch, types } }));
}

/**
 * Events, and the outbox entries written beside them: a published event's entry goes on its own
 * Event node (rows.ts eventRow), any other entry is an Outbox row (outboxEnqueues). `create`: the
 * caller takes the event ids to be new (events/create.cypher), else each is merged by id.
 */
export function eventAppends(
  tenantId: string,
  events: readonly GraphEvent[],
  batchSize = DEFAULT_BATCH_SIZE,
  outbox: Iterable<OutboxEntry> = [],
  create = false,
): Statement[] {
  const { rows, messages } = eventRows(tenantId, events, outbox);
  const text = render(create ? 'eventCreate' : 'eventAppend');
  return [
    ...chunks(rows, batchSize).map((batch) => ({ text, params: create ? { rows: batch, pending: true } : { tenantId, rows: batch } })),
    ...outboxEnqueues(tenantId, messages, batchSize),
  ];
}

export function outboxEnqueues(tenantId: string, messages: readonly OutboxEntry[], batchSize = DEFAULT_BATCH_SIZE): Statement[] {
  return chunks(messages, batchSize).map((batch) => ({ text: render('outboxEnqueue'), params: { tenantId, rows: batch.map(outboxRow) } }));
}

const EDGE_PATTERNS: Record<EdgeDirection, (types: string) => string> = {
  outgoing: (types) => `-[r:${types}]->`,
  incoming: (types) => `<-[r:${types}]-`,
  both: (types) => `-[r:${types}]-`,
};

/** `-[r:A|B]->` and the like for a direction; the types come from EDGE_TYPES (and history types). */
export function edgePattern(direction: EdgeDirection, types: readonly string[]): string {
  const pattern = Object.hasOwn(EDGE_PATTERNS, direction) ? EDGE_PATTERNS[direction] : undefined;
  if (!pattern) throw new Error(`unknown edge direction ${String(direction)}`);
  return pattern(types.join('|'));
}

/** The current edge types only: history relationships hang off the same nodes. */
const CURRENT_TYPES = EDGE_TYPES.map(relationshipTypeFor);

export function edgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection): Statement {
  return { text: render('edgeForNode', { PATTERN: edgePattern(direction, CURRENT_TYPES) }), params: { tenantId, nodeId } };
}

export interface NodeListQuery {
  nodeType?: NodeType;
  filters?: Record<string, unknown>;
  includeDeleted?: boolean;
  after?: string;
  /** Rows to fetch (a page plus one, to know whether there is a next page). */
  limit: number;
}

export function nodeList(tenantId: string, query: NodeListQuery): Statement {
  const filters = filterPredicates('n', query.filters, 'f');
  return {
    text: render('nodeList', { LABEL: query.nodeType ? labelFor(query.nodeType) : NODE_LABEL, FILTERS: filters.text }),
    params: {
      tenantId,
      includeDeleted: query.includeDeleted ?? false,
      after: query.after ?? null,
      limit: neo4j.int(query.limit),
      ...filters.params,
    },
  };
}

/**
 * A validated path query (zod: traverseEdgeTypes ⊆ EDGE_TYPES, 1 ≤ maxDepth ≤ MAX_PATH_DEPTH) as
 * one variable-length MATCH. The checks are repeated here because the depth and the types are
 * written into the text: nothing reaches it that is not an allowed type or a small integer.
 */
export function pathSearch(tenantId: string, query: PathQuery): Statement {
  const types = [...new Set(query.traverseEdgeTypes.map(relationshipTypeFor))];
  const depth = query.maxDepth;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_PATH_DEPTH) throw new Error(`maxDepth ${depth} outside 1..${MAX_PATH_DEPTH}`);
  const startLabel = query.startNodeType ? labelFor(query.startNodeType) : undefined;
  const endLabel = query.endNodeType ? labelFor(query.endNodeType) : undefined;
  const start = query.startNodeId
    ? `(start:${NODE_LABEL} {tenantId: $tenantId, nodeId: $startNodeId})`
    : `(start:${startLabel ?? NODE_LABEL} {tenantId: $tenantId})`;
  // With a start id the type is a label check on the node found by key.
  const startType = query.startNodeId && startLabel ? `\n  AND start:${startLabel}` : '';
  const startFilters = filterPredicates('start', query.startNodeFilters, 's');
  const endFilters = filterPredicates('end', query.endNodeFilters, 'e');
  const incoming = query.direction === 'incoming';
  return {
    text: render('pathSearch', {
      START: start,
      START_FILTERS: startType + startFilters.text,
      LEFT: incoming ? '<-' : '-',
      RIGHT: incoming ? '-' : '->',
      REL_TYPES: types.join('|'),
      MAX_DEPTH: String(depth),
      END: `(end:${endLabel ?? NODE_LABEL})`,
      END_FILTERS: endFilters.text,
    }),
    params: {
      tenantId,
      ...(query.startNodeId ? { startNodeId: query.startNodeId } : {}),
      limit: neo4j.int(query.limit),
      ...startFilters.params,
      ...endFilters.params,
    },
  };
}

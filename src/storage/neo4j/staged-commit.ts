import type { ManagedTransaction } from 'neo4j-driver';
import { EDGE_TYPES } from '../../model/index.ts';
import type { EdgeType, GraphChangeSet, GraphEvent, NodeType, NormalizedEdge, NormalizedNode, OutboxEntry } from '../../model/index.ts';
import { StorageError } from '../errors.ts';
import { render } from './cypher-files.ts';
import { edgeTypeHint } from './edge-removal.ts';
import { labelFor } from './labels.ts';
import { eventRows, nodeRow, outboxRow } from './rows.ts';
import { edgeCreateBatches, missingEdges } from './statements.ts';
import type { Statement } from './statements.ts';

// A commit too large for one transaction's memory (a first sync of a 100k-node tenant: its nodes,
// edges, events and outbox rows are ~1.3M entities, past the local server's 2 GiB transaction
// limit), committed so that readers still see all of it or none of it. Two ways:
//
// Into a tenant whose home holds no row yet (its first sync; tenant-home.ts):
//   1. stage: everything the commit creates is written under a new home, an id no TenantHome names,
//      in transactions of `transactionRows` rows. No tenant query can see those rows; the relay's
//      query skips pending outbox rows of a hidden home no tenant lives in (outbox/pending.cypher).
//   2. switch: one transaction, holding the tenant's home lock, checks the home is still empty,
//      points the tenant at the new home, moves its few sync records, and writes the rest of the
//      change set and the sync record there. Its size does not grow with the sync. (If another
//      write reached the tenant meanwhile, the staged rows are switched one by one as below.)
// Into a tenant that holds rows:
//   1. stage: what the commit creates outright — nodes the tenant stores nowhere yet, new edges
//      between two such nodes, every event and outbox row — is written under a staging tenant id;
//      the staged outbox rows carry no PendingOutbox label.
//   2. switch: one transaction gives the staged rows the tenant's home id (a property update per
//      row) and commits the rest of the change set (updates, removals, edges to nodes stored
//      before, the sync record) as a normal commit does. Linear in the rows: measured, a ~1.2M-row
//      switch does not fit the local server's transaction memory (a 25k-node first sync does).
//
// If anything fails before the switch commits, nothing is visible; the staging rows are purged (and
// purged again before the next staged commit of the same connector, should the process die).
// Creates are staged only when the tenant holds no row with that id: a switch that gave a staged
// row an id the tenant already has would break the key constraints.

/** The staging tenant of one connector's commit: never a real tenant id (they hold no NUL). */
export const stagingTenant = (tenantId: string, connectorId: string) => `\u0000staged\u0000${tenantId}\u0000${connectorId}`;

/** Rows a commit writes, what its transaction state grows with: nodes, edges, events and outbox rows. */
export function commitRows(changes: GraphChangeSet, events: readonly GraphEvent[], outboxEntries: number): number {
  return changes.upsertNodes.length + changes.upsertEdges.length + changes.removeEdgeIds.length + events.length + outboxEntries;
}

export interface StagePlan {
  nodes: NormalizedNode[];
  edges: NormalizedEdge[];
  /** What the switch transaction still writes as a normal commit. */
  rest: GraphChangeSet;
}

/**
 * Split a change set: nodes the tenant stores nowhere (`existingNodes` says which ids it has)
 * and the edges the diff found new (`newEdgeIds`), with both ends among those nodes and an id the
 * tenant does not hold (`existingEdges`), are staged; everything else is left for the switch.
 */
export function planStage(changes: GraphChangeSet, existingNodes: ReadonlySet<string>, existingEdges: ReadonlySet<string>): StagePlan {
  const staged = new Set<string>();
  const nodes: NormalizedNode[] = [];
  const restNodes: NormalizedNode[] = [];
  for (const node of changes.upsertNodes) {
    if (!node.deletedAt && !existingNodes.has(node.nodeId) && !staged.has(node.nodeId)) {
      staged.add(node.nodeId);
      nodes.push(node);
    } else restNodes.push(node);
  }
  const edges: NormalizedEdge[] = [];
  const restEdges: NormalizedEdge[] = [];
  const newEdgeIds = changes.newEdgeIds;
  for (const edge of changes.upsertEdges) {
    const stageable =
      newEdgeIds?.has(edge.edgeId) === true && staged.has(edge.sourceNodeId) && staged.has(edge.targetNodeId) && !existingEdges.has(edge.edgeId);
    (stageable ? edges : restEdges).push(edge);
  }
  const rest: GraphChangeSet = { upsertNodes: restNodes, upsertEdges: restEdges, removeEdgeIds: changes.removeEdgeIds };
  if (newEdgeIds) rest.newEdgeIds = newEdgeIds;
  return { nodes, edges, rest };
}

/** Which of `nodeIds` the tenant stores (any row with that key). */
export async function existingNodeIds(tx: ManagedTransaction, tenantId: string, nodeIds: readonly string[], batchSize: number): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < nodeIds.length; i += batchSize) {
    const result = await tx.run(render('stageExistingNodes'), { tenantId, nodeIds: nodeIds.slice(i, i + batchSize) });
    for (const record of result.records) found.add(record.get('nodeId') as string);
  }
  return found;
}

/**
 * Which of `edges` the tenant already stores under their id (another connector's edge). An id
 * that names no type (not made by makeEdgeId) is reported as existing: it is not staged, and the
 * switch merges it as any commit would.
 */
export async function existingEdgeIds(tx: ManagedTransaction, tenantId: string, edges: readonly NormalizedEdge[], batchSize: number): Promise<Set<string>> {
  const byType = new Map<EdgeType, string[]>();
  const found = new Set<string>();
  for (const edge of edges) {
    const type = edgeTypeHint(edge.edgeId);
    if (type !== edge.edgeType) {
      found.add(edge.edgeId);
      continue;
    }
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push(edge.edgeId);
  }
  for (const [type, ids] of byType) {
    for (let i = 0; i < ids.length; i += batchSize) {
      const part = ids.slice(i, i + batchSize);
      const statement = missingEdges(tenantId, type, part);
      const missing = new Set((await tx.run(statement.text, statement.params)).records.map((r) => r.get('edgeId') as string));
      for (const id of part) if (!missing.has(id)) found.add(id);
    }
  }
  return found;
}

/**
 * The staging writes, one statement at a time (the caller commits them in transactions of about
 * `transactionRows` rows). Edge creates must place every row: both ends were staged just before.
 */
export function* stageStatements(
  stage: string,
  plan: StagePlan,
  events: readonly GraphEvent[],
  outbox: Iterable<OutboxEntry>,
  {
    connectorId,
    at,
    batchSize,
    typeOf,
    pending = false,
  }: { connectorId: string; at: string; batchSize: number; typeOf: (nodeId: string) => NodeType | undefined; pending?: boolean },
): Generator<Statement & { expectCreated?: number }> {
  const byType = new Map<NodeType, NormalizedNode[]>();
  for (const node of plan.nodes) {
    let list = byType.get(node.nodeType);
    if (!list) byType.set(node.nodeType, (list = []));
    list.push(node);
  }
  for (const [type, nodes] of byType) {
    const text = render('stageCreateNodes', { LABEL: labelFor(type) });
    for (let i = 0; i < nodes.length; i += batchSize) {
      yield { text, params: { tenantId: stage, connectorId, at, rows: nodes.slice(i, i + batchSize).map((n) => nodeRow(stage, n)) } };
    }
  }
  for (const statement of edgeCreateBatches(stage, plan.edges, typeOf, connectorId, at, batchSize)) {
    yield { text: statement.text, params: statement.params, expectCreated: (statement.params.rows as unknown[]).length };
  }
  // A published event is its own outbox row (rows.ts eventRow); the other entries are Outbox rows.
  const { rows: stagedEvents, messages } = eventRows(stage, events, outbox);
  for (let i = 0; i < stagedEvents.length; i += batchSize) {
    yield { text: render('eventCreate'), params: { rows: stagedEvents.slice(i, i + batchSize), pending } };
  }
  let rows: ReturnType<typeof outboxRow>[] = [];
  for (const entry of messages) {
    rows.push(outboxRow(entry));
    if (rows.length === batchSize) {
      yield { text: render('stageOutbox'), params: { tenantId: stage, rows, pending } };
      rows = [];
    }
  }
  if (rows.length) yield { text: render('stageOutbox'), params: { tenantId: stage, rows, pending } };
}

/** Run staging statements in `tx`, checking that every staged edge was placed. */
export async function runStaged(tx: ManagedTransaction, statements: readonly (Statement & { expectCreated?: number })[]): Promise<void> {
  for (const s of statements) {
    const result = await tx.run(s.text, s.params);
    if (s.expectCreated === undefined) continue;
    const created = Number(result.records[0]?.get('created') ?? 0);
    if (created !== s.expectCreated) {
      throw new StorageError(`staged commit: ${s.expectCreated - created} of ${s.expectCreated} staged edges found no staged end`, 'INTERNAL');
    }
  }
}

/**
 * The switch: every staged row becomes the tenant's, inside the commit's final transaction; an
 * event or outbox row whose id the tenant already has is dropped instead. Returns the rows switched.
 */
export async function switchStaged(tx: ManagedTransaction, stage: string, tenantId: string): Promise<number> {
  let switched = 0;
  const count = async (text: string) => {
    const record = (await tx.run(text, { stage, tenantId })).records[0];
    switched += Number(record?.get('switched') ?? 0) - (record?.has('dropped') ? Number(record.get('dropped')) : 0);
  };
  await count(render('stageSwitchNodes'));
  for (const type of EDGE_TYPES) await count(render('stageSwitchEdges', { TYPE: type }));
  await count(render('stageSwitchEvents'));
  await count(render('stageSwitchOutbox'));
  return switched;
}

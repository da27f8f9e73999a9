import type { Database as Db } from 'better-sqlite3';
import type { NodeType, OwnershipState } from '../../model/index.ts';
import { POSTURE_EDGE_TYPES } from '../posture-walk.ts';
import type { PostureEdge, PostureGraph, PostureNode } from '../posture-walk.ts';
import { POSTURE_EDGES } from './schema.ts';

// The embedded store's side of the posture walk (posture-walk.ts): the graph at one moment read
// from columns and a few JSON fields picked out by SQLite (json_extract), never whole records
// decoded in JavaScript. The walk's edges (chain hops, inbound OAuth) come in one read of their
// partial index (schema.ts edges_posture), the nodes of the types they join in one more; role
// grants come from the privileged roles' side, and a node of another type is read by id. Read
// node by node as the walk went, it was some 70,000 statements on the 100k-node synthetic tenant
// (1.1-1.5 s); read at once, a few hundred milliseconds.

/**
 * The fields the walk reads, by the node type that has them (PostureNode), from the row `n`; the
 * source system only where the walk compares it (automations, identities): each JSON field
 * picked is a parse of the record.
 */
const pick = (n: string) => `${n}.node_type AS type,
  CASE WHEN ${n}.node_type IN ('automation', 'identity') THEN json_extract(${n}.json, '$.sourceSystem') END AS source,
  CASE ${n}.node_type
    WHEN 'automation' THEN json_extract(${n}.json, '$.properties.automationSubtype')
    WHEN 'identity' THEN json_extract(${n}.json, '$.properties.ownershipState')
    WHEN 'role' THEN json_extract(${n}.json, '$.properties.isPrivileged')
    WHEN 'credential' THEN json_extract(${n}.json, '$.status')
  END AS a,
  CASE ${n}.node_type WHEN 'credential' THEN json_extract(${n}.json, '$.properties.expiresAt') END AS b`;
const PICK = pick('n');

interface PickedRow {
  type: NodeType;
  source: string | null;
  a: string | number | null;
  b: string | null;
}
interface NodeRow extends PickedRow {
  node_id: string;
}
/** A node version: current (deleted = the tombstone flag) or closed (deleted = a deletedAt). */
interface VersionRow extends NodeRow {
  deleted: number;
}

/**
 * The node types at the ends of the walk's edges (chain hops join automations, connections,
 * credentials and identities; inbound OAuth joins identities), read by type in one statement.
 * A node of another type at an edge's end is read by id when the walk meets it.
 */
const WALK_NODE_TYPES: NodeType[] = ['automation', 'connection', 'credential', 'identity'];
type EdgeRow = [PostureEdge['edgeType'], string, string];
/** A node version as an array (node_id, PickedRow's columns, deleted). */
type RawNodeRow = [string, NodeType, string | null, PickedRow['a'], string | null, number];

/** The statements, prepared once per connection (on the first posture read). */
export function preparePostureStatements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  // The role grants into one role (typed constants, not input).
  const grantTypes = `edge_type IN (${POSTURE_EDGE_TYPES.grants.map((t) => `'${t}'`).join(', ')})`;
  const columns = `edge_type, source_id, target_id`;
  const walkTypes = `n.node_type IN (${WALK_NODE_TYPES.map((t) => `'${t}'`).join(', ')})`;
  return {
    node: p(`SELECT n.node_id, ${PICK}, n.deleted, n.valid_from FROM nodes n WHERE n.tenant = ? AND n.node_id = ?`),
    nodeHistory: p(
      `SELECT n.node_id, ${PICK}, json_extract(n.json, '$.deletedAt') IS NOT NULL AS deleted, n.valid_from FROM node_history n
       WHERE n.tenant = ? AND n.node_id = ? AND n.valid_from <= ? AND n.valid_to > ? ORDER BY n.valid_from DESC LIMIT 1`,
    ),
    // Every node of the walk's types, tombstones included (so the walk needs no second look).
    walkNodes: p(`SELECT n.node_id, ${PICK}, n.deleted FROM nodes n WHERE n.tenant = ? AND ${walkTypes}`).raw(),
    // Current rows that began by then, and closed versions valid then (as every as-of read).
    walkNodesAsOf: p(
      `SELECT n.node_id, ${PICK}, n.deleted FROM nodes n WHERE n.tenant = ? AND ${walkTypes} AND n.valid_from <= ?
       UNION ALL
       SELECT n.node_id, ${PICK}, json_extract(n.json, '$.deletedAt') IS NOT NULL AS deleted FROM node_history n
       WHERE n.tenant = ? AND ${walkTypes} AND n.valid_from <= ? AND n.valid_to > ?`,
    ).raw(),
    liveOfType: p(`SELECT n.node_id, ${PICK} FROM nodes n WHERE n.tenant = ? AND n.node_type = ? AND n.deleted = 0`),
    liveOfTypeAsOf: p(
      `SELECT n.node_id, ${PICK} FROM nodes n WHERE n.tenant = ? AND n.node_type = ? AND n.valid_from <= ? AND n.deleted = 0
       UNION ALL
       SELECT n.node_id, ${PICK} FROM node_history n
       WHERE n.tenant = ? AND n.node_type = ? AND n.valid_from <= ? AND n.valid_to > ? AND json_extract(n.json, '$.deletedAt') IS NULL`,
    ),
    // The walk's edges, from the partial indexes alone (the WHERE carries their term as written).
    walkEdges: p(`SELECT ${columns} FROM edges WHERE tenant = ? AND ${POSTURE_EDGES}`).raw(),
    walkEdgesAsOf: p(
      `SELECT ${columns} FROM edges WHERE tenant = ? AND ${POSTURE_EDGES} AND valid_from <= ?
       UNION ALL
       SELECT ${columns} FROM edge_history WHERE tenant = ? AND ${POSTURE_EDGES} AND valid_from <= ? AND valid_to > ?`,
    ).raw(),
    grantsTo: p(`SELECT ${columns} FROM edges WHERE tenant = ? AND target_id = ? AND ${grantTypes}`).raw(),
    // Current rows that began by then, and closed versions valid then (as every as-of read).
    grantsToAsOf: p(
      `SELECT ${columns} FROM edges WHERE tenant = ? AND target_id = ? AND ${grantTypes} AND valid_from <= ?
       UNION ALL
       SELECT ${columns} FROM edge_history WHERE tenant = ? AND target_id = ? AND ${grantTypes} AND valid_from <= ? AND valid_to > ?`,
    ).raw(),
  };
}

export type PostureStatements = ReturnType<typeof preparePostureStatements>;

/**
 * The node as the walk reads it, every field present (undefined where the type has none): one
 * object shape for every node type, so the walk's reads of a node stay monomorphic (a shape per
 * type made them a lookup each).
 */
const postureNode = (nodeId: string, type: NodeType, source: string | null, a: PickedRow['a'], b: string | null): PostureNode => ({
  nodeId,
  nodeType: type,
  sourceSystem: source ?? undefined,
  automationSubtype: type === 'automation' ? String(a) : undefined,
  ownershipState: type === 'identity' ? (a as OwnershipState) : undefined,
  isPrivileged: type === 'role' ? a === 1 : undefined,
  status: type === 'credential' ? String(a) : undefined,
  expiresAt: (type === 'credential' && b) || undefined,
});
const nodeOfRow = (nodeId: string, r: PickedRow) => postureNode(nodeId, r.type, r.source, r.a, r.b);

const INCOMING = new Set<string>(POSTURE_EDGE_TYPES.incoming);
const NO_EDGES: PostureEdge[] = [];

/** The tenant's graph at `asOf` (undefined: now); call inside one read transaction. */
export function sqlitePostureGraph(s: PostureStatements, tenantId: string, asOf: string | undefined): PostureGraph {
  const nodes = new Map<string, PostureNode | null>();
  let grants: Map<string, PostureEdge[]> | undefined;

  // Every walk edge at the moment, by the node it leaves and (CALLS) the node it enters.
  const outgoing = new Map<string, PostureEdge[]>();
  const incoming = new Map<string, PostureEdge[]>();
  const add = (map: Map<string, PostureEdge[]>, id: string, e: PostureEdge) => {
    const list = map.get(id);
    if (list) list.push(e);
    else map.set(id, [e]);
  };
  const rows = (asOf ? s.walkEdgesAsOf.all(tenantId, asOf, tenantId, asOf, asOf) : s.walkEdges.all(tenantId)) as EdgeRow[];
  for (const [edgeType, sourceNodeId, targetNodeId] of rows) {
    const e = { edgeType, sourceNodeId, targetNodeId };
    add(outgoing, sourceNodeId, e);
    if (INCOMING.has(edgeType)) add(incoming, targetNodeId, e);
  }

  const read = (id: string): PostureNode | null => {
    const row = s.node.get(tenantId, id) as (VersionRow & { valid_from: string }) | undefined;
    if (row && (!asOf || row.valid_from <= asOf)) return row.deleted ? null : nodeOfRow(id, row);
    if (!asOf) return null;
    const past = s.nodeHistory.get(tenantId, id, asOf, asOf) as VersionRow | undefined;
    return past && !past.deleted ? nodeOfRow(id, past) : null;
  };

  // The nodes of the walk's types at the moment (null: deleted by then). A node missing from the
  // map did not exist then, or is of another type: node() reads it by id.
  const nodeRows = (asOf ? s.walkNodesAsOf.all(tenantId, asOf, tenantId, asOf, asOf) : s.walkNodes.all(tenantId)) as RawNodeRow[];
  const identities: PostureNode[] = [];
  for (const [id, type, source, a, b, deleted] of nodeRows) {
    const n = deleted ? null : postureNode(id, type, source, a, b);
    nodes.set(id, n);
    if (n?.nodeType === 'identity') identities.push(n);
  }

  // The grants the walk asks about (is an identity at the end of a chain privileged?) read from
  // the other side: the few privileged roles and the grants into each. An identity's own edges,
  // read one identity at a time, were thousands of statements.
  const privilegedGrants = () => {
    const byIdentity = new Map<string, PostureEdge[]>();
    const roles = (asOf ? s.liveOfTypeAsOf.all(tenantId, 'role', asOf, tenantId, 'role', asOf, asOf) : s.liveOfType.all(tenantId, 'role')) as NodeRow[];
    for (const r of roles) {
      const role = nodeOfRow(r.node_id, r);
      nodes.set(role.nodeId, role);
      if (!role.isPrivileged) continue;
      const into = (
        asOf ? s.grantsToAsOf.all(tenantId, role.nodeId, asOf, tenantId, role.nodeId, asOf, asOf) : s.grantsTo.all(tenantId, role.nodeId)
      ) as EdgeRow[];
      for (const [edgeType, sourceNodeId, targetNodeId] of into) add(byIdentity, sourceNodeId, { edgeType, sourceNodeId, targetNodeId });
    }
    return byIdentity;
  };

  return {
    nodesOfType: (type) => {
      if (type === 'identity') return identities;
      // Automations a chain can start at: the live ones some walk edge leaves.
      const starts: PostureNode[] = [];
      for (const id of outgoing.keys()) {
        const n = nodes.get(id);
        if (n?.nodeType === 'automation') starts.push(n);
      }
      return starts;
    },
    node: (id) => {
      let n = nodes.get(id);
      if (n === undefined) nodes.set(id, (n = read(id)));
      return n;
    },
    edges: (nodeId, direction) => (direction === 'outgoing' ? outgoing : incoming).get(nodeId) ?? NO_EDGES,
    grants: (identityId) => (grants ??= privilegedGrants()).get(identityId) ?? NO_EDGES,
  };
}

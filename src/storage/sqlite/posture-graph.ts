import type { Database as Db } from 'better-sqlite3';
import type { NodeType, OwnershipState } from '../../model/index.ts';
import { POSTURE_EDGE_TYPES } from '../posture-walk.ts';
import type { PostureEdge, PostureGraph, PostureNode } from '../posture-walk.ts';

// The embedded store's side of the posture walk (posture-walk.ts): the graph at one moment read
// from columns and a few JSON fields picked out by SQLite (json_extract), never whole records
// decoded in JavaScript. On the 100k-node synthetic tenant that decoding (and the garbage it left)
// was most of the walk's time. Each node and each node's edges are read once per walk.

/** The fields the walk reads, by the node type that has them (PostureNode), from the row `n`. */
const pick = (n: string) => `${n}.node_type AS type, json_extract(${n}.json, '$.sourceSystem') AS source,
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
  source: string;
  a: string | number | null;
  b: string | null;
}
interface NodeRow extends PickedRow {
  node_id: string;
}
/** An edge and the current version of the node at its far end (null columns when there is none). */
type EdgeRow = [PostureEdge['edgeType'], string, string, NodeType | null, string, string | number | null, string | null, number | null, string | null];
interface CurrentRow extends PickedRow {
  deleted: number;
  valid_from: string;
}

/** The statements, prepared once per connection (on the first posture read). */
export function preparePostureStatements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  // Only the edge types the walk reads (typed constants, not input), as arrays: each node's
  // other edges (evidence, ownership, grants) never become JavaScript objects. The node at the far
  // end comes in the same row (its current version), so following an edge is one statement.
  const edges = (end: 'source_id' | 'target_id', types: readonly string[]) => {
    const far = end === 'source_id' ? 'target_id' : 'source_id';
    const only = `e.edge_type IN (${types.map((t) => `'${t}'`).join(', ')})`;
    const columns = `e.edge_type, e.source_id, e.target_id, ${PICK}, n.deleted, n.valid_from`;
    const join = `LEFT JOIN nodes n ON n.tenant = e.tenant AND n.node_id = e.${far}`;
    return {
      now: p(`SELECT ${columns} FROM edges e ${join} WHERE e.tenant = ? AND e.${end} = ? AND ${only}`).raw(),
      // Current rows that began by then, and closed versions valid then (as every as-of read).
      asOf: p(
        `SELECT ${columns} FROM edges e ${join} WHERE e.tenant = ? AND e.${end} = ? AND ${only} AND e.valid_from <= ?
         UNION ALL
         SELECT ${columns} FROM edge_history e ${join} WHERE e.tenant = ? AND e.${end} = ? AND ${only} AND e.valid_from <= ? AND e.valid_to > ?`,
      ).raw(),
    };
  };
  return {
    node: p(`SELECT ${PICK}, n.deleted, n.valid_from FROM nodes n WHERE n.tenant = ? AND n.node_id = ?`),
    nodeHistory: p(
      `SELECT ${PICK}, json_extract(n.json, '$.deletedAt') IS NOT NULL AS deleted FROM node_history n
       WHERE n.tenant = ? AND n.node_id = ? AND n.valid_from <= ? AND n.valid_to > ? ORDER BY n.valid_from DESC LIMIT 1`,
    ),
    liveOfType: p(`SELECT n.node_id, ${PICK} FROM nodes n WHERE n.tenant = ? AND n.node_type = ? AND n.deleted = 0`),
    liveOfTypeAsOf: p(
      `SELECT n.node_id, ${PICK} FROM nodes n WHERE n.tenant = ? AND n.node_type = ? AND n.valid_from <= ? AND n.deleted = 0
       UNION ALL
       SELECT n.node_id, ${PICK} FROM node_history n
       WHERE n.tenant = ? AND n.node_type = ? AND n.valid_from <= ? AND n.valid_to > ? AND json_extract(n.json, '$.deletedAt') IS NULL`,
    ),
    outgoing: edges('source_id', POSTURE_EDGE_TYPES.outgoing),
    incoming: edges('target_id', POSTURE_EDGE_TYPES.incoming),
  };
}

export type PostureStatements = ReturnType<typeof preparePostureStatements>;

const postureNode = (nodeId: string, r: PickedRow): PostureNode => {
  const base = { nodeId, nodeType: r.type, sourceSystem: r.source };
  switch (r.type) {
    case 'automation':
      return { ...base, automationSubtype: String(r.a) };
    case 'identity':
      return { ...base, ownershipState: r.a as OwnershipState };
    case 'role':
      return { ...base, isPrivileged: r.a === 1 };
    case 'credential':
      return { ...base, status: String(r.a), ...(r.b ? { expiresAt: r.b } : {}) };
    default:
      return base;
  }
};

/** The tenant's graph at `asOf` (undefined: now); call inside one read transaction. */
export function sqlitePostureGraph(s: PostureStatements, tenantId: string, asOf: string | undefined): PostureGraph {
  const nodes = new Map<string, PostureNode | null>();
  const edges = new Map<string, PostureEdge[]>();
  const read = (id: string): PostureNode | null => {
    const row = s.node.get(tenantId, id) as CurrentRow | undefined;
    if (row && (!asOf || row.valid_from <= asOf)) return row.deleted ? null : postureNode(id, row);
    if (!asOf) return null;
    const past = s.nodeHistory.get(tenantId, id, asOf, asOf) as (PickedRow & { deleted: number }) | undefined;
    return past && !past.deleted ? postureNode(id, past) : null;
  };
  return {
    nodesOfType: (type) => {
      const rows = (asOf ? s.liveOfTypeAsOf.all(tenantId, type, asOf, tenantId, type, asOf, asOf) : s.liveOfType.all(tenantId, type)) as NodeRow[];
      const live = rows.map((r) => postureNode(r.node_id, r));
      // Read once: the walk meets most of them again as the far end of an edge.
      for (const n of live) nodes.set(n.nodeId, n);
      return live;
    },
    node: (id) => {
      let n = nodes.get(id);
      if (n === undefined) nodes.set(id, (n = read(id)));
      return n;
    },
    edges: (nodeId, direction) => {
      const key = `${direction}\u0000${nodeId}`;
      let list = edges.get(key);
      if (!list) {
        const statements = direction === 'outgoing' ? s.outgoing : s.incoming;
        const rows = (asOf ? statements.asOf.all(tenantId, nodeId, asOf, tenantId, nodeId, asOf, asOf) : statements.now.all(tenantId, nodeId)) as EdgeRow[];
        list = rows.map(([edgeType, sourceNodeId, targetNodeId, type, source, a, b, deleted, validFrom]) => {
          const farId = direction === 'outgoing' ? targetNodeId : sourceNodeId;
          // The far node's current version answers when it was valid by then; else (as of a
          // moment it changed after) node() reads its history.
          if (!nodes.has(farId)) {
            if (type === null) {
              if (!asOf) nodes.set(farId, null);
            } else if (!asOf || validFrom! <= asOf) nodes.set(farId, deleted ? null : postureNode(farId, { type, source, a, b }));
          }
          return { edgeType, sourceNodeId, targetNodeId };
        });
        edges.set(key, list);
      }
      return list;
    },
  };
}

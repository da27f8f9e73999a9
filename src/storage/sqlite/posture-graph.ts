import type { Database as Db } from 'better-sqlite3';
import type { NodeType, OwnershipState } from '../../model/index.ts';
import { POSTURE_EDGE_TYPES } from '../posture-walk.ts';
import type { PostureEdge, PostureGraph, PostureNode } from '../posture-walk.ts';

// The embedded store's side of the posture walk (posture-walk.ts): the graph at one moment read
// from columns and a few JSON fields picked out by SQLite (json_extract), never whole records
// decoded in JavaScript. On the 100k-node synthetic tenant that decoding (and the garbage it left)
// was most of the walk's time. Each node and each node's edges are read once per walk.

/** The fields the walk reads, by the node type that has them (PostureNode). */
const PICK = `node_type AS type, json_extract(json, '$.sourceSystem') AS source,
  CASE node_type
    WHEN 'automation' THEN json_extract(json, '$.properties.automationSubtype')
    WHEN 'identity' THEN json_extract(json, '$.properties.ownershipState')
    WHEN 'role' THEN json_extract(json, '$.properties.isPrivileged')
    WHEN 'credential' THEN json_extract(json, '$.status')
  END AS a,
  CASE node_type WHEN 'credential' THEN json_extract(json, '$.properties.expiresAt') END AS b`;

interface PickedRow {
  type: NodeType;
  source: string;
  a: string | number | null;
  b: string | null;
}
interface NodeRow extends PickedRow {
  node_id: string;
}
type EdgeRow = [PostureEdge['edgeType'], string, string];
interface CurrentRow extends PickedRow {
  deleted: number;
  valid_from: string;
}

/** The statements, prepared once per connection (on the first posture read). */
export function preparePostureStatements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  // Only the edge types the walk reads (typed constants, not input), as arrays: each node's
  // other edges (evidence, ownership, grants) never become JavaScript objects.
  const edges = (end: 'source_id' | 'target_id', types: readonly string[]) => {
    const only = `edge_type IN (${types.map((t) => `'${t}'`).join(', ')})`;
    return {
      now: p(`SELECT edge_type, source_id, target_id FROM edges WHERE tenant = ? AND ${end} = ? AND ${only}`).raw(),
      // Current rows that began by then, and closed versions valid then (as every as-of read).
      asOf: p(
        `SELECT edge_type, source_id, target_id FROM edges WHERE tenant = ? AND ${end} = ? AND ${only} AND valid_from <= ?
         UNION ALL
         SELECT edge_type, source_id, target_id FROM edge_history WHERE tenant = ? AND ${end} = ? AND ${only} AND valid_from <= ? AND valid_to > ?`,
      ).raw(),
    };
  };
  return {
    node: p(`SELECT ${PICK}, deleted, valid_from FROM nodes WHERE tenant = ? AND node_id = ?`),
    nodeHistory: p(
      `SELECT ${PICK}, json_extract(json, '$.deletedAt') IS NOT NULL AS deleted FROM node_history
       WHERE tenant = ? AND node_id = ? AND valid_from <= ? AND valid_to > ? ORDER BY valid_from DESC LIMIT 1`,
    ),
    liveOfType: p(`SELECT node_id, ${PICK} FROM nodes WHERE tenant = ? AND node_type = ? AND deleted = 0`),
    liveOfTypeAsOf: p(
      `SELECT node_id, ${PICK} FROM nodes WHERE tenant = ? AND node_type = ? AND valid_from <= ? AND deleted = 0
       UNION ALL
       SELECT node_id, ${PICK} FROM node_history
       WHERE tenant = ? AND node_type = ? AND valid_from <= ? AND valid_to > ? AND json_extract(json, '$.deletedAt') IS NULL`,
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
        list = rows.map(([edgeType, sourceNodeId, targetNodeId]) => ({ edgeType, sourceNodeId, targetNodeId }));
        edges.set(key, list);
      }
      return list;
    },
  };
}

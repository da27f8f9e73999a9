// The current relationship types that touch these nodes (history types are left out by $types):
// a tombstone loses its edges, and only these types need nodes/drop-edges.cypher. Usually none —
// the diff has already removed its connector's edges of a deleted node — so one look at each
// node's few relationships replaces a statement per relationship type.
UNWIND $nodeIds AS nodeId
MATCH (:Node {tenantId: $tenantId, nodeId: nodeId})-[r]-()
WHERE r.tenantId = $tenantId AND type(r) IN $types
RETURN DISTINCT type(r) AS type

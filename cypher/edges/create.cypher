// Create relationships the diff found new (absent from the connector's stored state): one
// relationship type and one pair of endpoint labels per statement, so each row is two seeks in
// the type labels' (tenantId, nodeId) indexes and a CREATE — the shape of a bare UNWIND CREATE,
// with no MERGE, no stale-id check and no history to write (a new relationship has no earlier
// version to archive). Rows whose ends are not found under those labels (a stub, a node stored as
// another type) are not created; the count tells the caller to look for them (edges/missing.cypher).
UNWIND $rows AS row
MATCH (source:{{SOURCE_LABEL}} {tenantId: $tenantId, nodeId: row.sourceNodeId})
MATCH (target:{{TARGET_LABEL}} {tenantId: $tenantId, nodeId: row.targetNodeId})
CREATE (source)-[r:{{TYPE}}]->(target)
SET r = row.props
RETURN count(r) AS created

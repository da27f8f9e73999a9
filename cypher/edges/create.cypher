// Create relationships the diff found new (absent from the connector's stored state): one
// relationship type and one pair of endpoint labels per statement, so each row is two seeks in
// the type labels' (tenantId, nodeId) indexes and a CREATE — no MERGE, no stale-id check and no
// history to write (a new relationship has no earlier version to archive). Rows whose ends are not
// found under those labels (a stub, a node stored as another type) are returned, not created: the
// caller sends them through edges/upsert.cypher, which also makes stubs.
UNWIND $rows AS row
OPTIONAL MATCH (source:{{SOURCE_LABEL}} {tenantId: $tenantId, nodeId: row.sourceNodeId})
OPTIONAL MATCH (target:{{TARGET_LABEL}} {tenantId: $tenantId, nodeId: row.targetNodeId})
FOREACH (_ IN CASE WHEN source IS NOT NULL AND target IS NOT NULL THEN [1] ELSE [] END |
  CREATE (source)-[r:{{TYPE}}]->(target)
  SET r = row.props, r.connectorId = $connectorId, r.validFrom = $at
)
WITH row, source, target
WHERE source IS NULL OR target IS NULL
RETURN row.edgeId AS edgeId

// Upsert a batch of edges of one relationship type (one statement per type).
// An end written before its node becomes a stub (no json) that the node's own upsert fills in.
UNWIND $rows AS row
MERGE (source:Node {tenantId: $tenantId, nodeId: row.sourceNodeId})
MERGE (target:Node {tenantId: $tenantId, nodeId: row.targetNodeId})
WITH source, target, row
// An edge id names one edge: if it joined other nodes before, that relationship goes.
OPTIONAL MATCH (a)-[stale:{{TYPE}} {tenantId: $tenantId, edgeId: row.edgeId}]->(b)
WHERE a <> source OR b <> target
DELETE stale
WITH source, target, row
MERGE (source)-[r:{{TYPE}} {tenantId: $tenantId, edgeId: row.edgeId}]->(target)
WITH r, row, r.connectorId AS previousConnector
SET r = row.props
SET r.connectorId = CASE
  WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
  ELSE $connectorId
END

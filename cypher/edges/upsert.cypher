// Upsert a batch of edges of one relationship type (one statement per type).
// An end written before its node becomes a stub (no json) that the node's own upsert fills in.
// History: the relationship holds its current version, valid from r.validFrom; a replaced or
// removed version is archived as a {{HISTORY_TYPE}} relationship between the same nodes, valid
// [validFrom, $at) (as nodes/upsert.cypher does for nodes).
UNWIND $rows AS row
MERGE (source:Node {tenantId: $tenantId, nodeId: row.sourceNodeId})
MERGE (target:Node {tenantId: $tenantId, nodeId: row.targetNodeId})
WITH source, target, row
// An edge id names one edge: if it joined other nodes before, that relationship goes.
OPTIONAL MATCH (a)-[stale:{{TYPE}} {tenantId: $tenantId, edgeId: row.edgeId}]->(b)
WHERE a <> source OR b <> target
FOREACH (_ IN CASE WHEN stale.validFrom < $at THEN [1] ELSE [] END |
  CREATE (a)-[h:{{HISTORY_TYPE}}]->(b)
  SET h = properties(stale), h.validTo = $at
)
DELETE stale
WITH source, target, row
MERGE (source)-[r:{{TYPE}} {tenantId: $tenantId, edgeId: row.edgeId}]->(target)
// Changed: hash and JSON both differ (a rewrite that only refreshes the hash is no new version).
WITH source, target, r, row, r.connectorId AS previousConnector, r.validFrom AS previousFrom,
  r.contentHash <> row.props.contentHash AND r.json <> row.props.json AS changed
FOREACH (_ IN CASE WHEN changed AND previousFrom < $at THEN [1] ELSE [] END |
  CREATE (source)-[h:{{HISTORY_TYPE}}]->(target)
  SET h = properties(r), h.validTo = $at
)
SET r = row.props
SET r.connectorId = CASE
  WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
  ELSE $connectorId
END,
r.validFrom = CASE
  WHEN previousFrom IS NOT NULL AND (NOT changed OR previousFrom >= $at) THEN previousFrom
  ELSE $at
END

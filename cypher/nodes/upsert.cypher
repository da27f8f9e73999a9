// Upsert a batch of nodes of one type (one statement per type label).
// $connectorId 'manual' (a write outside a sync) keeps the connector a node already has.
// `SET n = row.props` replaces every property, so a property the node lost is gone too.
UNWIND $rows AS row
MERGE (n:Node {tenantId: $tenantId, nodeId: row.nodeId})
WITH n, row, n.connectorId AS previousConnector, n.nodeType AS previousType
SET n = row.props
SET n.connectorId = CASE
  WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
  ELSE $connectorId
END
// A node whose type changed drops its old type label.
FOREACH (_ IN CASE WHEN previousType <> row.props.nodeType THEN [1] ELSE [] END |
  REMOVE n{{ALL_TYPE_LABELS}}
)
SET n:{{LABEL}}

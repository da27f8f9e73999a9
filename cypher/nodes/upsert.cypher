// Upsert a batch of nodes of one type (one statement per type label).
// $connectorId 'manual' (a write outside a sync) keeps the connector a node already has.
// `SET n = row.props` replaces every property, so a property the node lost is gone too.
// History: the node holds its current version, valid from n.validFrom. When the content hash
// changes ($at is the moment the new content is valid from), the replaced version is archived as
// a NodeVersion valid [validFrom, $at); a version that began at $at or later (a clock behind) is
// replaced in place. Unchanged rows keep their validFrom and write no history.
UNWIND $rows AS row
MERGE (n:Node {tenantId: $tenantId, nodeId: row.nodeId})
WITH n, row, n.connectorId AS previousConnector, n.nodeType AS previousType, n.validFrom AS previousFrom,
  coalesce(n.contentHash, n.tombstoneHash) AS previousHash, coalesce(row.props.contentHash, row.props.tombstoneHash) AS hash
FOREACH (_ IN CASE WHEN previousHash <> hash AND previousFrom < $at THEN [1] ELSE [] END |
  CREATE (v:NodeVersion)
  SET v = properties(n), v.validTo = $at
)
SET n = row.props
SET n.connectorId = CASE
  WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
  ELSE $connectorId
END,
n.validFrom = CASE
  WHEN previousFrom IS NOT NULL AND (previousHash = hash OR previousFrom >= $at) THEN previousFrom
  ELSE $at
END
// A node whose type changed drops its old type label.
FOREACH (_ IN CASE WHEN previousType <> row.props.nodeType THEN [1] ELSE [] END |
  REMOVE n{{ALL_TYPE_LABELS}}
)
SET n:{{LABEL}}

// Upsert a batch of nodes of one type (one statement per type label).
// $connectorId 'manual' (a write outside a sync) keeps the connector a node already has.
// `SET n = row.props` replaces every property, so a property the node lost is gone too.
// History: the node holds its current version, valid from n.validFrom. When the content changes
// ($at is the moment the new content is valid from), the replaced version is archived as a
// NodeVersion valid [validFrom, $at); a version that began at $at or later (a clock behind) is
// replaced in place. Unchanged rows keep their validFrom and write no history. Changed means the
// hash and the JSON both differ: a row the diff rewrites only to refresh its hash (written by an
// older hash function, model/hash.ts) has the same JSON and is not a new version.
UNWIND $rows AS row
MERGE (n:Node {tenantId: $tenantId, nodeId: row.nodeId})
WITH n, row, n.connectorId AS previousConnector, n.nodeType AS previousType, n.validFrom AS previousFrom,
  coalesce(n.contentHash, n.tombstoneHash) <> coalesce(row.props.contentHash, row.props.tombstoneHash) AND n.json <> row.props.json AS changed
FOREACH (_ IN CASE WHEN changed AND previousFrom < $at THEN [1] ELSE [] END |
  CREATE (v:NodeVersion)
  SET v = properties(n), v.validTo = $at
)
SET n = row.props
SET n.connectorId = CASE
  WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
  ELSE $connectorId
END,
n.validFrom = CASE
  WHEN previousFrom IS NOT NULL AND (NOT changed OR previousFrom >= $at) THEN previousFrom
  ELSE $at
END
// A node whose type changed drops its old type label.
FOREACH (_ IN CASE WHEN previousType <> row.props.nodeType THEN [1] ELSE [] END |
  REMOVE n{{ALL_TYPE_LABELS}}
)
SET n:{{LABEL}}

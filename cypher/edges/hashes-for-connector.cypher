// Ids and content hashes of one relationship type's edges of a connector, from the index alone,
// as "hash id\n" lines in strings of $chunk rows (see nodes/hashes-for-connector.cypher).
MATCH ()-[r:{{TYPE}}]->()
USING INDEX r:{{TYPE}}(tenantId, connectorId, edgeId, contentHash)
WHERE r.tenantId = $tenantId AND r.connectorId = $connectorId AND r.edgeId IS NOT NULL AND r.contentHash IS NOT NULL
WITH collect(r.contentHash + ' ' + r.edgeId) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS start
WITH rows[start..start + $chunk] AS part
RETURN reduce(s = '', row IN part | CASE WHEN row CONTAINS '\n' THEN s ELSE s + row + '\n' END) AS lines,
  [row IN part WHERE row CONTAINS '\n'] AS odd

// Ids and content hashes of one relationship type's edges of a connector, from the index alone,
// as lists of "hash id" strings, {{SLICE}} a record. One part of a UNION ALL over every type
// (hash-pairs.ts): no comment may follow the RETURN, the parts are joined as they are.
MATCH ()-[r:{{TYPE}}]->()
USING INDEX r:{{TYPE}}(tenantId, connectorId, edgeId, contentHash)
WHERE r.tenantId = $tenantId AND r.connectorId = $connectorId AND r.edgeId IS NOT NULL AND r.contentHash IS NOT NULL
WITH collect(r.contentHash + ' ' + r.edgeId) AS pairs
UNWIND range(0, size(pairs) - 1, {{SLICE}}) AS first
RETURN pairs[first..first + {{SLICE}}] AS rows

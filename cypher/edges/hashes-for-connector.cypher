// Ids and content hashes of one relationship type's edges of a connector, from the index alone,
// as two lists of one order (ids, hashes), {{SLICE}} a record (hash-pairs.ts reads them). One
// part of a UNION ALL over every type: no comment may follow the RETURN, the parts are joined as
// they are.
MATCH ()-[r:{{TYPE}}]->()
USING INDEX r:{{TYPE}}(tenantId, connectorId, edgeId, contentHash)
WHERE r.tenantId = $tenantId AND r.connectorId = $connectorId AND r.edgeId IS NOT NULL AND r.contentHash IS NOT NULL
WITH collect(r.edgeId) AS ids, collect(r.contentHash) AS hashes
UNWIND range(0, size(ids) - 1, {{SLICE}}) AS first
RETURN ids[first..first + {{SLICE}}] AS ids, hashes[first..first + {{SLICE}}] AS hashes

// Ids and content hashes of a connector's live nodes, answered from node_connector_hash alone, as
// lists of "hash id" strings, {{SLICE}} a record (src/storage/neo4j/hash-pairs.ts reads them: a
// hash holds no space, and says why the lists are sliced).
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
WITH collect(n.contentHash + ' ' + n.nodeId) AS pairs
UNWIND range(0, size(pairs) - 1, {{SLICE}}) AS first
RETURN pairs[first..first + {{SLICE}}] AS rows

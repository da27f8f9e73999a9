// Ids and content hashes of a connector's live nodes, answered from node_connector_hash alone, as
// one list of "hash id" strings (src/storage/neo4j/hash-pairs.ts reads them: a hash holds no space).
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
RETURN collect(n.contentHash + ' ' + n.nodeId) AS rows

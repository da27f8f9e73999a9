// Ids and content hashes of a connector's live nodes, answered from node_connector_hash alone, as
// two lists of one order (ids, hashes), {{SLICE}} a record (src/storage/neo4j/hash-pairs.ts reads
// them, and says why the lists are sliced).
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
WITH collect(n.nodeId) AS ids, collect(n.contentHash) AS hashes
UNWIND range(0, size(ids) - 1, {{SLICE}}) AS first
RETURN ids[first..first + {{SLICE}}] AS ids, hashes[first..first + {{SLICE}}] AS hashes

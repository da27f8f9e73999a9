// Ids and content hashes of a connector's live nodes, answered from node_connector_hash alone.
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
RETURN n.nodeId AS id, n.contentHash AS hash

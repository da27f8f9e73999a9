// The live nodes a connector wrote (only live nodes carry a contentHash), with their hashes.
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
  AND n.json IS NOT NULL AND n.deletedAt IS NULL
RETURN n.json AS json, n.contentHash AS hash

// The live nodes a connector wrote, with their content hashes (the diff compares those first).
MATCH (n:Node {tenantId: $tenantId, connectorId: $connectorId})
WHERE n.json IS NOT NULL AND n.deletedAt IS NULL
RETURN n.json AS json, n.contentHash AS hash

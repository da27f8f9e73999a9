// Ids and content hashes of one relationship type's edges of a connector, from the index alone.
MATCH ()-[r:{{TYPE}}]->()
USING INDEX r:{{TYPE}}(tenantId, connectorId, edgeId, contentHash)
WHERE r.tenantId = $tenantId AND r.connectorId = $connectorId AND r.edgeId IS NOT NULL AND r.contentHash IS NOT NULL
RETURN r.edgeId AS id, r.contentHash AS hash

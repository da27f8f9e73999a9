// The edges of one relationship type a connector wrote, with their content hashes.
MATCH ()-[r:{{TYPE}}]->()
USING INDEX r:{{TYPE}}(tenantId, connectorId, edgeId, contentHash)
WHERE r.tenantId = $tenantId AND r.connectorId = $connectorId AND r.edgeId IS NOT NULL AND r.contentHash IS NOT NULL
RETURN r.json AS json, r.contentHash AS hash

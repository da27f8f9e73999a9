// The edges of one relationship type a connector wrote, with their content hashes.
MATCH ()-[r:{{TYPE}} {tenantId: $tenantId, connectorId: $connectorId}]->()
RETURN r.json AS json, r.contentHash AS hash

// Edges of one relationship type by id.
UNWIND $edgeIds AS edgeId
MATCH ()-[r:{{TYPE}} {tenantId: $tenantId, edgeId: edgeId}]->()
RETURN r.json AS json

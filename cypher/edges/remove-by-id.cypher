// Remove edges by id. Relationship indexes are per type, so this runs once per type.
UNWIND $edgeIds AS edgeId
MATCH ()-[r:{{TYPE}} {tenantId: $tenantId, edgeId: edgeId}]->()
DELETE r

// Which of these edge ids of one relationship type are not stored (edges/create.cypher could not
// place them): one seek each in the type's edge-key constraint index.
UNWIND $edgeIds AS edgeId
OPTIONAL MATCH ()-[r:{{TYPE}} {tenantId: $tenantId, edgeId: edgeId}]->()
WITH edgeId, r
WHERE r IS NULL
RETURN edgeId

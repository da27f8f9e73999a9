// The switch of a staged commit, one relationship type: its staged relationships become the
// tenant's (a range seek in the type's edge-key index).
MATCH ()-[r:{{TYPE}}]->()
WHERE r.tenantId = $stage AND r.edgeId IS NOT NULL
SET r.tenantId = $tenantId
RETURN count(r) AS switched

// The switch of a staged commit: the nodes written under the staging tenant ($stage) become the
// tenant's, in the transaction that commits the rest of the sync (one index range seek).
MATCH (n:Node)
WHERE n.tenantId = $stage AND n.nodeId IS NOT NULL
SET n.tenantId = $tenantId
RETURN count(n) AS switched

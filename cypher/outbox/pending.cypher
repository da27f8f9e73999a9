// Unsent rows of every tenant (or of $tenantId, the id its rows are stored under), in publishing
// order. A row under a hidden home (id starting with $hidden) is a staged first sync's: it is
// published only once some tenant's home is that id (tenant/home-switch.cypher), never before.
MATCH (m:PendingOutbox)
WHERE ($tenantId IS NULL OR m.tenantId = $tenantId)
  AND (NOT m.tenantId STARTS WITH $hidden OR EXISTS { MATCH (:TenantHome {storedAs: m.tenantId}) })
// A published event is its own row (events/append.cypher): its entry is made from these fields.
RETURN m.json AS json, m:Event AS event, m.outboxId AS outboxId, m.createdAt AS createdAt, m.batchId AS batchId, m.position AS position
ORDER BY m.createdAt, m.batchId, m.position
LIMIT $limit

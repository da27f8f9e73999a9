// Unsent rows of every tenant (or of $tenantId), in publishing order.
MATCH (m:PendingOutbox)
WHERE $tenantId IS NULL OR m.tenantId = $tenantId
RETURN m.json AS json
ORDER BY m.createdAt, m.batchId, m.position
LIMIT $limit

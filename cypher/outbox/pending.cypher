// Unsent rows of every tenant, in publishing order.
MATCH (m:PendingOutbox)
RETURN m.json AS json
ORDER BY m.createdAt, m.batchId, m.position
LIMIT $limit

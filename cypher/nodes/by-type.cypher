// Live nodes of one type, in nodeId order.
MATCH (n:{{LABEL}} {tenantId: $tenantId})
WHERE n.json IS NOT NULL AND n.deletedAt IS NULL
RETURN n.json AS json
ORDER BY n.nodeId

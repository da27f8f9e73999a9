// One per node type label: nodes of a type within a tenant, in nodeId order (getNodesByType,
// listNodes by type, path start and end nodes).
CREATE INDEX {{INDEX_NAME}} IF NOT EXISTS
FOR (n:{{LABEL}}) ON (n.tenantId, n.nodeId);

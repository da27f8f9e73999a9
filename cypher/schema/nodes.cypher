// Node keys and lookups. Community edition: uniqueness constraints, range indexes.
CREATE CONSTRAINT node_key IF NOT EXISTS
FOR (n:Node) REQUIRE (n.tenantId, n.nodeId) IS UNIQUE;

// getGraphForConnector: a connector's nodes within a tenant.
CREATE INDEX node_connector IF NOT EXISTS
FOR (n:Node) ON (n.tenantId, n.connectorId);

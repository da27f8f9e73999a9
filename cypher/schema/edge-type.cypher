// One pair per relationship type (relationship indexes are per type): the edge key, and a
// connector's edges within a tenant with their content hashes (getGraphForConnector, syncs).
CREATE CONSTRAINT {{KEY_NAME}} IF NOT EXISTS
FOR ()-[r:{{TYPE}}]-() REQUIRE (r.tenantId, r.edgeId) IS UNIQUE;

CREATE INDEX {{CONNECTOR_INDEX_NAME}} IF NOT EXISTS
FOR ()-[r:{{TYPE}}]-() ON (r.tenantId, r.connectorId, r.edgeId, r.contentHash);

// Superseded by the index above.
DROP INDEX {{OLD_CONNECTOR_INDEX_NAME}} IF EXISTS;

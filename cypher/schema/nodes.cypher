// Node keys and lookups. Community edition: uniqueness constraints, range indexes.
CREATE CONSTRAINT node_key IF NOT EXISTS
FOR (n:Node) REQUIRE (n.tenantId, n.nodeId) IS UNIQUE;

// A connector's live nodes within a tenant (getGraphForConnector). Only live nodes carry a
// contentHash, so tombstones and stubs are not in it; id and hash come from the index itself when
// a sync compares hashes, without reading the node store.
CREATE INDEX node_connector_hash IF NOT EXISTS
FOR (n:Node) ON (n.tenantId, n.connectorId, n.nodeId, n.contentHash);

// Superseded by node_connector_hash.
DROP INDEX node_connector IF EXISTS;

CREATE CONSTRAINT sync_state_key IF NOT EXISTS
FOR (s:SyncState) REQUIRE (s.tenantId, s.syncId) IS UNIQUE;

CREATE INDEX sync_state_connector IF NOT EXISTS
FOR (s:SyncState) ON (s.tenantId, s.connectorId);

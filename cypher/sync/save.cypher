// Insert or replace one sync record.
MERGE (s:SyncState {tenantId: $tenantId, syncId: $syncId})
SET s.connectorId = $connectorId, s.startedAt = $startedAt, s.json = $json

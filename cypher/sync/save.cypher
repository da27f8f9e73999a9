// Insert or replace one sync record.
MERGE (s:SyncState {tenantId: $tenantId, syncId: $syncId})
SET s.connectorId = $connectorId, s.startedAt = $startedAt, s.status = $status, s.writtenAt = $writtenAt, s.json = $json

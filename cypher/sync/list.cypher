// Sync records, newest first.
MATCH (s:SyncState {tenantId: $tenantId})
WHERE $connectorId IS NULL OR s.connectorId = $connectorId
RETURN s.json AS json
ORDER BY s.startedAt DESC, s.syncId DESC
LIMIT $limit

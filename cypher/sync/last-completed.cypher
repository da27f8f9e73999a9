// The newest sync of a connector that committed its graph (completed or partial).
MATCH (s:SyncState {tenantId: $tenantId, connectorId: $connectorId})
WHERE s.status IN ['completed', 'partial']
RETURN s.json AS json
ORDER BY s.startedAt DESC, s.syncId DESC
LIMIT 1

// Changes whenever a sync record of the tenant is written: every graph change commits one.
MATCH (s:SyncState {tenantId: $tenantId})
RETURN count(s) AS records, max(s.writtenAt) AS lastWrite

// The switch of a staged first sync: the tenant's home becomes the staged one ($to), and its sync
// records (the only rows an empty home holds: tenant/home-empty.cypher) move with it. One small
// write whatever the sync's size: every staged row already carries $to.
MATCH (h:TenantHome {tenantId: $tenantId})
SET h.storedAs = $to
WITH h
OPTIONAL MATCH (s:SyncState {tenantId: $from})
SET s.tenantId = $to
RETURN count(s) AS moved

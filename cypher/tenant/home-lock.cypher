// Every write of a tenant takes its home's lock first (created on the first write, stored under
// the tenant's own id), so a staged first sync's switch (tenant/home-switch.cypher) and another
// write of the same tenant never interleave: a write that began before the switch commits first,
// and the switch sees its rows; one that began after reads the new home (tenant/home.cypher, run
// after this lock is held).
MERGE (h:TenantHome {tenantId: $tenantId})
ON CREATE SET h.storedAs = $tenantId
SET h.lockedAt = timestamp()

// Purge: the tenant's home goes with its rows.
MATCH (h:TenantHome {tenantId: $tenantId})
DELETE h

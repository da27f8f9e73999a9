// The id a tenant's rows are stored under: its home's, or its own when it has none (no staged
// first sync ever switched it elsewhere). Read first in every tenant transaction.
OPTIONAL MATCH (h:TenantHome {tenantId: $tenantId})
RETURN coalesce(h.storedAs, $tenantId) AS storedAs

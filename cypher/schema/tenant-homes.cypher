// Where each tenant's rows are stored (src/storage/neo4j/tenant-home.ts): one home per tenant, and
// the reverse lookup the relay uses to tell a switched-in home from one still being staged.
CREATE CONSTRAINT tenant_home_key IF NOT EXISTS
FOR (h:TenantHome) REQUIRE h.tenantId IS UNIQUE;

CREATE INDEX tenant_home_stored IF NOT EXISTS
FOR (h:TenantHome) ON (h.storedAs);

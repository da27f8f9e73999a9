// Mark rows sent. A key names its tenant as the message does; the row is stored under the
// tenant's home (src/storage/neo4j/tenant-home.ts).
UNWIND $keys AS key
OPTIONAL MATCH (h:TenantHome {tenantId: key.tenantId})
WITH key, coalesce(h.storedAs, key.tenantId) AS storedAs
MATCH (m:Outbox {tenantId: storedAs, outboxId: key.outboxId})
SET m.sentAt = $sentAt
REMOVE m:PendingOutbox

UNWIND $keys AS key
MATCH (m:Outbox {tenantId: key.tenantId, outboxId: key.outboxId})
SET m.sentAt = $sentAt
REMOVE m:PendingOutbox

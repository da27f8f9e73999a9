// Outbox rows created under a staging tenant (empty, ids distinct): as outbox/enqueue.cypher, but
// without the PendingOutbox label, so the relay (which reads every tenant's PendingOutbox rows)
// cannot see them before the switch (stage/switch-outbox.cypher) gives them their tenant and the
// label.
UNWIND $rows AS row
CREATE (m:Outbox)
SET m.tenantId = $tenantId, m.outboxId = row.outboxId, m.createdAt = row.createdAt, m.batchId = row.batchId,
  m.position = row.position, m.topic = row.topic, m.sentAt = row.sentAt, m.json = row.json

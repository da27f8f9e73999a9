// Outbox rows created under a staging id (empty, ids distinct): as outbox/enqueue.cypher. Under a
// staging tenant ($pending false) they carry no PendingOutbox label, so the relay (which reads
// every tenant's PendingOutbox rows) cannot see them before the switch (stage/switch-outbox.cypher)
// gives them their tenant and the label. Under a new tenant home ($pending true) unsent rows are
// pending at once: the relay's query skips a hidden home until it becomes a tenant's
// (outbox/pending.cypher), and the switch then touches none of them.
UNWIND $rows AS row
CREATE (m:Outbox)
SET m.tenantId = $tenantId, m.outboxId = row.outboxId, m.createdAt = row.createdAt, m.batchId = row.batchId,
  m.position = row.position, m.topic = row.topic, m.sentAt = row.sentAt, m.json = row.json
WITH m
WHERE $pending AND m.sentAt IS NULL
SET m:PendingOutbox

// Add outbox rows; an id already stored is left as it is (neither duplicated nor un-sent).
UNWIND $rows AS row
MERGE (m:Outbox {tenantId: $tenantId, outboxId: row.outboxId})
ON CREATE SET m.createdAt = row.createdAt, m.batchId = row.batchId, m.position = row.position, m.topic = row.topic,
  m.sentAt = row.sentAt, m.json = row.json
WITH m
WHERE m.sentAt IS NULL
SET m:PendingOutbox

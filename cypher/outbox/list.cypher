// One tenant's rows of one topic, sent or not, newest first; strictly before $before when given.
MATCH (m:Outbox {tenantId: $tenantId})
WHERE m.topic = $topic
  AND ($beforeCreatedAt IS NULL OR m.createdAt < $beforeCreatedAt OR (m.createdAt = $beforeCreatedAt AND m.outboxId < $beforeOutboxId))
RETURN m.json AS json, m.sentAt AS sentAt
ORDER BY m.createdAt DESC, m.outboxId DESC
LIMIT $limit

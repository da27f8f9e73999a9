// The switch of a staged commit: its outbox rows become the tenant's, and the unsent ones pending
// (the relay sees them from this commit on, as it sees a one-transaction commit's rows). An id the
// tenant already has is left as it is, neither duplicated nor un-sent (as outbox/enqueue.cypher).
MATCH (m:Outbox)
WHERE m.tenantId = $stage AND m.outboxId IS NOT NULL
OPTIONAL MATCH (kept:Outbox {tenantId: $tenantId, outboxId: m.outboxId})
FOREACH (_ IN CASE WHEN kept IS NULL THEN [1] ELSE [] END |
  SET m.tenantId = $tenantId
  FOREACH (_ IN CASE WHEN m.sentAt IS NULL THEN [1] ELSE [] END | SET m:PendingOutbox)
)
FOREACH (_ IN CASE WHEN kept IS NULL THEN [] ELSE [1] END | DELETE m)
RETURN count(kept) AS dropped, count(m) AS switched

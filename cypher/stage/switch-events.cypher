// The switch of a staged commit: its events become the tenant's. An event id the tenant already
// has is left as it is and the staged copy dropped (as events/append.cypher: a replayed sync adds
// nothing), and so is a published event whose outbox id the tenant's outbox holds. A published
// event that is switched becomes pending (as stage/switch-outbox.cypher does for Outbox rows).
MATCH (e:Event)
WHERE e.tenantId = $stage AND e.eventId IS NOT NULL
OPTIONAL MATCH (kept:Event {tenantId: $tenantId, eventId: e.eventId})
OPTIONAL MATCH (keptRow:Outbox {tenantId: $tenantId, outboxId: e.outboxId})
WITH e, kept IS NOT NULL OR keptRow IS NOT NULL AS taken
FOREACH (_ IN CASE WHEN taken THEN [] ELSE [1] END |
  SET e.tenantId = $tenantId
  FOREACH (_ IN CASE WHEN e:Outbox AND e.sentAt IS NULL THEN [1] ELSE [] END | SET e:PendingOutbox)
)
FOREACH (_ IN CASE WHEN taken THEN [1] ELSE [] END | DELETE e)
RETURN sum(CASE WHEN taken THEN 1 ELSE 0 END) AS dropped, count(*) AS switched

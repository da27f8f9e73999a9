// The switch of a staged commit: its events become the tenant's. An event id the tenant already
// has is left as it is and the staged copy dropped (as events/append.cypher: a replayed sync adds
// nothing).
MATCH (e:Event)
WHERE e.tenantId = $stage AND e.eventId IS NOT NULL
OPTIONAL MATCH (kept:Event {tenantId: $tenantId, eventId: e.eventId})
FOREACH (_ IN CASE WHEN kept IS NULL THEN [1] ELSE [] END | SET e.tenantId = $tenantId)
FOREACH (_ IN CASE WHEN kept IS NULL THEN [] ELSE [1] END | DELETE e)
RETURN count(kept) AS dropped, count(e) AS switched

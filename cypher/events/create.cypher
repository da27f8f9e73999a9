// Create events whose ids the tenant (or staging id) holds nowhere: a sync's event ids are new
// (made from the tenant, the sync and the change), so a CREATE does what events/append.cypher's
// MERGE would without looking each id up first. An id that is stored after all (a replayed sync)
// breaks the event key constraint and the commit is redone with events/append.cypher; under a
// staging id, ids the tenant has are dropped at the switch (stage/switch-events.cypher).
// A published event is its own outbox row, as in events/append.cypher; pending at once unless
// $pending is false (a staging tenant's rows: see stage/outbox.cypher), when the switch makes it so.
UNWIND $rows AS row
CREATE (e:Event)
SET e = row.props
WITH e, row
WHERE row.outbox IS NOT NULL
SET e:Outbox, e += row.outbox
WITH e
WHERE $pending AND e.sentAt IS NULL
SET e:PendingOutbox

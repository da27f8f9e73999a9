// Events created under a staging tenant: it is empty and a sync's event ids are distinct, so a
// CREATE does what events/append.cypher's MERGE would (ids the tenant already has are dropped at
// the switch, stage/switch-events.cypher). A published event is its own outbox row, as in
// events/append.cypher; pending at once only under a new tenant home ($pending: see
// stage/outbox.cypher), else the switch makes it pending.
UNWIND $rows AS row
CREATE (e:Event)
SET e = row.props
WITH e, row
WHERE row.outbox IS NOT NULL
SET e:Outbox, e += row.outbox
WITH e
WHERE $pending AND e.sentAt IS NULL
SET e:PendingOutbox

// Append events; an id already stored is left as it is (a replayed sync adds nothing).
// A published event (row.outbox set) is its own outbox row: the Event node takes the Outbox label
// and the entry's fields (outbox/pending.cypher reads them), and PendingOutbox until it is sent.
// An event stored before is given them only if it has none and no Outbox row holds its entry's id
// (one stored as a row of its own before events became their own rows): neither duplicated nor
// un-sent, as outbox/enqueue.cypher.
UNWIND $rows AS row
MERGE (e:Event {tenantId: $tenantId, eventId: row.eventId})
ON CREATE SET e += row.props
WITH e, row
WHERE row.outbox IS NOT NULL AND e.outboxId IS NULL
  AND NOT EXISTS { MATCH (:Outbox {tenantId: $tenantId, outboxId: row.outbox.outboxId}) }
SET e:Outbox, e += row.outbox
WITH e
WHERE e.sentAt IS NULL
SET e:PendingOutbox

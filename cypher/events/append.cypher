// Append events; an id already stored is left as it is (a replayed sync adds nothing).
UNWIND $rows AS row
MERGE (e:Event {tenantId: $tenantId, eventId: row.eventId})
ON CREATE SET e += row.props

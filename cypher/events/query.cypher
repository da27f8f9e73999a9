// A page of events in event order (src/storage/event-order.ts): time, then sync, then sequence.
// `ms` is the timestamp as epoch milliseconds; the text breaks ties between spellings of one
// instant. {{ORDER}} is ASC or DESC; {{AFTER}} is > or < to match it.
MATCH (e:Event {tenantId: $tenantId})
WHERE ($entityId IS NULL OR e.entityId = $entityId OR e.targetEntityId = $entityId)
  AND ($entityType IS NULL OR e.entityType = $entityType)
  AND ($eventType IS NULL OR e.eventType = $eventType)
  AND ($relationshipType IS NULL OR e.relationshipType = $relationshipType)
  AND ($syncId IS NULL OR e.syncId = $syncId)
  AND ($sinceMs IS NULL OR e.ms >= $sinceMs)
  AND ($untilMs IS NULL OR e.ms <= $untilMs)
  AND ($after IS NULL OR [e.ms, e.timestamp, e.syncId, e.sequence] {{AFTER}} $after)
RETURN e.json AS json
ORDER BY e.ms {{ORDER}}, e.timestamp {{ORDER}}, e.syncId {{ORDER}}, e.sequence {{ORDER}}
LIMIT $limit

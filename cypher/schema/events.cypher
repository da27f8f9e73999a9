// Events are append-only and idempotent by id.
CREATE CONSTRAINT event_key IF NOT EXISTS
FOR (e:Event) REQUIRE (e.tenantId, e.eventId) IS UNIQUE;

// Event order (timestamp, sync, sequence) and the usual filters.
CREATE INDEX event_order IF NOT EXISTS
FOR (e:Event) ON (e.tenantId, e.ms);

CREATE INDEX event_entity IF NOT EXISTS
FOR (e:Event) ON (e.tenantId, e.entityId);

CREATE INDEX event_sync IF NOT EXISTS
FOR (e:Event) ON (e.tenantId, e.syncId);

// The transactional outbox (DESIGN decision 6): rows are idempotent by id; unsent rows also carry
// the PendingOutbox label, so the relay reads a small ordered index, not every row ever sent.
CREATE CONSTRAINT outbox_key IF NOT EXISTS
FOR (m:Outbox) REQUIRE (m.tenantId, m.outboxId) IS UNIQUE;

CREATE INDEX outbox_pending_order IF NOT EXISTS
FOR (m:PendingOutbox) ON (m.createdAt, m.batchId, m.position);

// Leases across processes (one relay, one run of a connector instance).
CREATE CONSTRAINT lease_key IF NOT EXISTS
FOR (l:Lease) REQUIRE l.key IS UNIQUE;

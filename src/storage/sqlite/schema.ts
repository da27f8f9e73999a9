import type { Database } from 'better-sqlite3';
import { POSTURE_EDGE_TYPES } from '../posture-walk.ts';
import { keepCursorSync, upgradeToEventCursor } from './event-cursor.ts';
import { keepStoredTenantsAsKeys } from './tenant-keys.ts';
import { addRowFingerprints } from './row-fingerprints.ts';

// The embedded store's tables (DESIGN "Embedded store"). Current rows and closed history versions
// live apart, as in the Neo4j adapter: reads of the current graph touch only current rows, and a
// read as of a past moment takes the current row when it was already valid then, else the
// history row whose [valid_from, valid_to) holds that moment. Times are ISO strings of one format,
// so they compare as strings. Every row carries its tenant (as its key: tenant-keys.ts); every
// index starts with it.

// 2: graph events are their own outbox rows (outbox_at, outbox_position, sent_at on events).
// 3: an event row's JSON holds only the fields without a column (event-rows.ts); older rows,
//    which hold the whole event, read the same, so the upgrade rewrites nothing. Partial indexes
//    of the posture walk's edges (edges_posture, edge_history_posture).
// 4: an edge row's JSON holds only since, until and properties (edge-rows.ts); older rows, which
//    hold the whole edge, read the same, so the upgrade rewrites nothing.
// 5: the relay's place in the events is a cursor (event-cursor.ts), not a mark on every sent row:
//    events_unsent goes, meta 'events_unsent' counts the unsent; the upgrade sets the cursor.
// 6: rows and index entries carry a tenant's short key (tenant-keys.ts), not its id: a GUID
//    tenant id was ~36 bytes in every row and in every entry of every index. The upgrade keeps
//    the rows: each tenant already stored becomes its own key. events_key (tenant, event_id) becomes
//    events_in_sync (tenant, sync_id, event_id).
// 7: a plain edge's content hash (no dates, no properties: plainEdgeHash) is stored as '' (edge-rows.ts
//    storedEdgeHash): 22 bytes fewer in 9 edge rows of 10 and in their edges_connector entries.
//    Older rows, which hold the hash itself, read the same, so the upgrade rewrites nothing; the
//    version keeps older Authgraphs, which would take '' for a changed hash, from the file.
//    The relay's cursor keeps its event's sync (event-cursor.ts), so events_in_sync finds the
//    cursor's event: by tenant and event id alone every relay read and mark scanned the events.
// 8: node and edge rows keep their fingerprint (fp, row-fingerprints.ts), and the connector
//    indexes hold it instead of the id and hash; event rows keep their entities' (entity_key,
//    target_key), and events_entity / events_target hold those instead of the ids. The upgrade
//    computes them for every row.
export const SCHEMA_VERSION = 8;

/** Page size of a new database file (applyPragmas). */
export const PAGE_SIZE = 16_384;

/**
 * The edges the posture walk reads whole (posture-walk.ts POSTURE_EDGE_TYPES: chain hops, inbound
 * OAuth), as the one SQL term its partial indexes and its statements (posture-graph.ts) share:
 * SQLite uses a partial index only for a query that carries the index's term as written. Written
 * as ORed equalities, not an IN list: every edge insert evaluates the term, and an IN list made
 * each insert build a small lookup table (inserting the 100k tenant's 300k edges took 25% longer
 * with the index, against 6% this way).
 */
export const POSTURE_EDGES = `(${POSTURE_EDGE_TYPES.outgoing.map((t) => `edge_type = '${t}'`).join(' OR ')})`;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The key each tenant's rows carry in their tenant column (tenant-keys.ts).
CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE);

CREATE TABLE IF NOT EXISTS nodes (
  tenant TEXT NOT NULL, node_id TEXT NOT NULL, node_type TEXT NOT NULL, connector TEXT NOT NULL,
  deleted INTEGER NOT NULL, hash TEXT NOT NULL, fp REAL NOT NULL, valid_from TEXT NOT NULL, json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS nodes_key ON nodes (tenant, node_id);
CREATE INDEX IF NOT EXISTS nodes_type ON nodes (tenant, node_type, node_id);
-- Covering: a sync reads the fingerprints of its connector's rows from the index alone, and finds
-- the few rows it reads back by fingerprint (row-fingerprints.ts).
CREATE INDEX IF NOT EXISTS nodes_connector ON nodes (tenant, connector, deleted, fp);

CREATE TABLE IF NOT EXISTS edges (
  tenant TEXT NOT NULL, edge_id TEXT NOT NULL, edge_type TEXT NOT NULL, source_id TEXT NOT NULL,
  target_id TEXT NOT NULL, connector TEXT NOT NULL, hash TEXT NOT NULL, fp REAL NOT NULL, valid_from TEXT NOT NULL, json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS edges_key ON edges (tenant, edge_id);
CREATE INDEX IF NOT EXISTS edges_out ON edges (tenant, source_id);
CREATE INDEX IF NOT EXISTS edges_in ON edges (tenant, target_id);
CREATE INDEX IF NOT EXISTS edges_connector ON edges (tenant, connector, fp);
-- Covering, partial: the posture walk reads a tenant's chain edges at once from the index alone
-- (a tenth of the synthetic tenant's edges: evidence, ownership and membership edges are not in it).
CREATE INDEX IF NOT EXISTS edges_posture ON edges (tenant, edge_type, source_id, target_id, valid_from) WHERE ${POSTURE_EDGES};

CREATE TABLE IF NOT EXISTS node_history (
  tenant TEXT NOT NULL, node_id TEXT NOT NULL, node_type TEXT NOT NULL,
  valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS node_history_key ON node_history (tenant, node_id, valid_from);
CREATE INDEX IF NOT EXISTS node_history_type ON node_history (tenant, node_type, node_id);

CREATE TABLE IF NOT EXISTS edge_history (
  tenant TEXT NOT NULL, edge_id TEXT NOT NULL, edge_type TEXT NOT NULL, source_id TEXT NOT NULL,
  target_id TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edge_history_out ON edge_history (tenant, source_id);
CREATE INDEX IF NOT EXISTS edge_history_in ON edge_history (tenant, target_id);
CREATE INDEX IF NOT EXISTS edge_history_posture ON edge_history (tenant, edge_type, source_id, target_id, valid_from, valid_to) WHERE ${POSTURE_EDGES};

CREATE TABLE IF NOT EXISTS events (
  tenant TEXT NOT NULL, event_id TEXT NOT NULL, ts_ms INTEGER NOT NULL, ts TEXT NOT NULL,
  sync_id TEXT NOT NULL, sequence INTEGER NOT NULL, entity_id TEXT NOT NULL, target_entity_id TEXT,
  -- entityKey of entity_id / target_entity_id: what the entity indexes hold (entity-keys.ts).
  entity_key INTEGER NOT NULL, target_key INTEGER,
  entity_type TEXT NOT NULL, event_type TEXT NOT NULL, relationship_type TEXT, json TEXT NOT NULL,
  -- A published event is its own outbox row: the relay reads it here and wraps it as it sends
  -- (a serialized copy in the outbox table doubled what a first sync wrote).
  outbox_at TEXT, outbox_position INTEGER, sent_at TEXT
);
-- An event's key within its sync (an event id is made from its tenant, sync and change, so it is
-- unique with or without the sync): a sync's events sit together in this index, so a small sync
-- into a large file dirties a few pages of it, not one page per event (schema 6; the key was
-- (tenant, event_id), random across the whole index).
CREATE UNIQUE INDEX IF NOT EXISTS events_in_sync ON events (tenant, sync_id, event_id);
-- One order for events in every adapter (event-order.ts): time, sync, position in the sync.
CREATE INDEX IF NOT EXISTS events_order ON events (tenant, ts_ms, ts, sync_id, sequence);
-- An entity's events, by a 32-bit key of its id (a query also compares the id itself): an entry
-- of ~12 bytes instead of ~50. A sync's events land all over these two indexes, so a small sync
-- into a large file rewrites most of their pages; smaller indexes are fewer pages.
CREATE INDEX IF NOT EXISTS events_entity ON events (tenant, entity_key);
CREATE INDEX IF NOT EXISTS events_target ON events (tenant, target_key) WHERE target_key IS NOT NULL;
-- The relay's place: the last event of what it has sent in commit order (event-cursor.ts).
CREATE TABLE IF NOT EXISTS event_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), tenant TEXT NOT NULL, event_id TEXT NOT NULL, sync_id TEXT);

CREATE TABLE IF NOT EXISTS sync_states (
  tenant TEXT NOT NULL, sync_id TEXT NOT NULL, connector TEXT NOT NULL, status TEXT NOT NULL,
  started_at TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (tenant, sync_id)
);
CREATE INDEX IF NOT EXISTS sync_states_connector ON sync_states (tenant, connector, started_at);
CREATE INDEX IF NOT EXISTS sync_states_running ON sync_states (status) WHERE status = 'running';

-- Messages made in advance (sync notices, findings, audit records); the payload is kept as the
-- relay sends it (not re-encoded inside a JSON row). Graph events wait in the events table.
CREATE TABLE IF NOT EXISTS outbox (
  tenant TEXT NOT NULL, outbox_id TEXT NOT NULL, created_at TEXT NOT NULL, batch_id TEXT NOT NULL,
  position INTEGER NOT NULL, topic TEXT NOT NULL, key TEXT NOT NULL, headers TEXT NOT NULL, payload TEXT NOT NULL,
  sent_at TEXT, PRIMARY KEY (tenant, outbox_id)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (created_at, batch_id, position) WHERE sent_at IS NULL;
-- Messages of one kind (the product's own audit records) newest first, per tenant.
CREATE INDEX IF NOT EXISTS outbox_topic ON outbox (tenant, topic, created_at, outbox_id);

CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);

-- Bumped in every transaction that changes a tenant's data: what dataVersion answers, so a server
-- notices a sync another process committed.
CREATE TABLE IF NOT EXISTS tenant_versions (tenant TEXT PRIMARY KEY, version INTEGER NOT NULL);
`;

/**
 * WAL: readers never wait for the writer and a crash leaves the last committed transaction.
 * synchronous=NORMAL is durable at checkpoints and never corrupt (a power cut may lose the last
 * commits, a process crash loses nothing). Writers take turns: busy_timeout, then SQLITE_BUSY.
 */
export function applyPragmas(db: Database, busyTimeoutMs: number): void {
  // The wait first: switching a new file to WAL takes a lock another process may hold.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  // 16 KiB pages for a new file (an existing file keeps the size it was made with; this is then a
  // no-op). Must come before WAL mode, which fixes the page size. A 1M-node first sync took 71 s
  // to write with them against 100 s with the default 4 KiB (one run each, 2 cores, load 1.6):
  // a quarter of the pages to write, spill, checkpoint and sort through; 64 KiB gained nothing
  // more and makes every cache miss of a point read (a chain hop) four times larger.
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  // Sorts larger than the page cache (a first sync's index builds, deferred-indexes.ts) spill to
  // temporary files, not to memory: a 1M-node first sync would otherwise hold every index in RAM.
  db.pragma('temp_store = FILE');
  // Sorter helper threads only while a commit builds indexes (deferred-indexes.ts), not here.
  // 64 MiB page cache per connection: a chain walk or a sync's hash read stays in memory.
  db.pragma('cache_size = -65536');
}

/** The schema a file was written with; undefined for a new, empty file. */
function schemaVersion(db: Database): number | undefined {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get();
  const row = hasMeta ? (db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined) : undefined;
  return row ? Number(row.value) : undefined;
}

/** Version 1 files gain the events' outbox columns (their pending events stay in the outbox table). */
const FROM_1_TO_2 = `
ALTER TABLE events ADD COLUMN outbox_at TEXT;
ALTER TABLE events ADD COLUMN outbox_position INTEGER;
ALTER TABLE events ADD COLUMN sent_at TEXT;
`;

/** Create missing tables and indexes, upgrade an older file; refuse a file written by a newer schema. */
export function applySchema(db: Database): void {
  // A file already at this schema is opened without a write: a command started while another
  // process commits a long sync reads at once instead of queueing behind it.
  const refuseNewer = (version: number | undefined) => {
    if (version !== undefined && version > SCHEMA_VERSION) {
      throw new Error(`this database was written by a newer Authgraph (schema ${version}; this one reads ${SCHEMA_VERSION})`);
    }
  };
  const seen = db.transaction(() => schemaVersion(db)).deferred();
  refuseNewer(seen);
  if (seen === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have made or upgraded the file since.
    const version = schemaVersion(db);
    refuseNewer(version);
    if (version === 1) db.exec(FROM_1_TO_2);
    // Before TABLES: its connector indexes name the fingerprint column.
    if (version !== undefined && version < 8) addRowFingerprints(db);
    // 2 → 3 adds indexes only (TABLES creates them, once, on the first open of an older file) and
    // changes what new event rows hold (a version-2 reader must not open it); 3 → 4 changes only
    // what new edge rows hold.
    db.exec(TABLES);
    if (version !== undefined && version < 5) upgradeToEventCursor(db);
    if (version !== undefined && version < 6) {
      keepStoredTenantsAsKeys(db);
      db.exec('DROP INDEX IF EXISTS events_key');
    }
    if (version !== undefined && version >= 5 && version < 7) keepCursorSync(db);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(SCHEMA_VERSION));
    // Events sent and unsent, counted as they are published and marked (a count over the events
    // table would scan it).
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('events_sent', '0'), ('events_unsent', '0')`).run();
  }).immediate();
}

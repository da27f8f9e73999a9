import type { Database } from 'better-sqlite3';
import { rowFingerprint } from '../../model/index.ts';
import { edgeHashOfRow } from './edge-rows.ts';
import { entityKey } from './entity-keys.ts';

// Schema 8: every node and edge row keeps its fingerprint (model/fingerprint.ts) in column fp, and
// the connector indexes hold it in place of the id and hash: a sync reads one number a row
// (SqliteStorageAdapter.previousState), and an index entry is ~25 bytes, not ~60 (the connector
// indexes were 240 MB of the 1M-node tenant's file, and a 1%-change sync rewrites most of their
// pages). Event rows keep keys of their entity and target ids for the same reason (entity-keys.ts):
// the entity indexes were 330 MB, and a 1%-change sync of the 1M-node tenant rewrote all of it.

/**
 * Give a file written before schema 8 its rows' fingerprints and its events' entity keys, computed
 * from the id and hash columns as the adapter computes them when it writes a row, and drop the old
 * connector and entity indexes (the schema then builds the new ones). Runs in the upgrade's
 * transaction.
 */
export function addRowFingerprints(db: Database): void {
  db.function('authgraph_row_fingerprint', { deterministic: true }, (id: unknown, hash: unknown) => rowFingerprint(String(id), String(hash)));
  // An edge row keeps '' for the plain hash (schema 7); its fingerprint is of the hash itself.
  db.function('authgraph_edge_hash', { deterministic: true }, (stored: unknown) => edgeHashOfRow(String(stored)));
  db.function('authgraph_entity_key', { deterministic: true }, (id: unknown) => (id === null ? null : entityKey(String(id))));
  // A column already there (a file a newer build made, then marked older) is filled again, not added twice.
  for (const [table, column] of [
    ['nodes', 'fp'],
    ['edges', 'fp'],
    ['events', 'entity_key'],
    ['events', 'target_key'],
  ] as const) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table);
    if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${column === 'fp' ? 'REAL' : 'INTEGER'}`);
  }
  db.exec(`
    UPDATE nodes SET fp = authgraph_row_fingerprint(node_id, hash);
    UPDATE edges SET fp = authgraph_row_fingerprint(edge_id, authgraph_edge_hash(hash));
    UPDATE events SET entity_key = authgraph_entity_key(entity_id), target_key = authgraph_entity_key(target_entity_id);
    DROP INDEX IF EXISTS nodes_connector;
    DROP INDEX IF EXISTS edges_connector;
    DROP INDEX IF EXISTS events_entity;
    DROP INDEX IF EXISTS events_target;
  `);
}

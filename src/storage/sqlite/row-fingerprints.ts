import type { Database } from 'better-sqlite3';
import { rowFingerprint } from '../../model/index.ts';
import { edgeHashOfRow } from './edge-rows.ts';

// Schema 8: every node and edge row keeps its fingerprint (model/fingerprint.ts) in column fp, and
// the connector indexes hold it in place of the id and hash: a sync reads one number a row
// (SqliteStorageAdapter.previousState), and an index entry is ~25 bytes, not ~60 (the connector
// indexes were 240 MB of the 1M-node tenant's file, and a 1%-change sync rewrites most of their
// pages).

/**
 * Give a file written before schema 8 its rows' fingerprints, computed from the id and hash
 * columns as the adapter computes them when it writes a row, and drop the old connector indexes
 * (the schema then builds the new ones). Runs in the upgrade's transaction.
 */
export function addRowFingerprints(db: Database): void {
  db.function('authgraph_row_fingerprint', { deterministic: true }, (id: unknown, hash: unknown) => rowFingerprint(String(id), String(hash)));
  // An edge row keeps '' for the plain hash (schema 7); its fingerprint is of the hash itself.
  db.function('authgraph_edge_hash', { deterministic: true }, (stored: unknown) => edgeHashOfRow(String(stored)));
  // A column already there (a file a newer build made, then marked older) is filled again, not added twice.
  for (const table of ['nodes', 'edges']) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table);
    if (!columns.includes('fp')) db.exec(`ALTER TABLE ${table} ADD COLUMN fp REAL`);
  }
  db.exec(`
    UPDATE nodes SET fp = authgraph_row_fingerprint(node_id, hash);
    UPDATE edges SET fp = authgraph_row_fingerprint(edge_id, authgraph_edge_hash(hash));
    DROP INDEX IF EXISTS nodes_connector;
    DROP INDEX IF EXISTS edges_connector;
  `);
}

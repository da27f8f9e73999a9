import type { Database } from 'better-sqlite3';
import { availableParallelism } from 'node:os';

// A large commit into a small table (a tenant's first sync is the common case) builds the table's
// secondary indexes once, after its rows, instead of inserting every row's keys one by one.
//
// Why: the secondary keys (edge ends, event entities, connector scans) arrive in random order.
// While an index fits the page cache that costs little; once it outgrows it, each insert dirties a
// random page that is spilled to the write-ahead log and read back, many times over: a 1M-node
// first sync spent most of its time there (100k → 1M cost 17× the CPU). CREATE INDEX instead
// sorts the keys and writes each page once. It is done inside the commit's own transaction, so
// other processes see either the old table with its indexes or the new one with its indexes.
//
// Unique keys stay in place: the upserts (ON CONFLICT) need them, and their inserts are made
// sequential by writing rows in key order (see SqliteStorageAdapter.commitSync).

/** The tables a commit writes in bulk; names are fixed here, never taken from input. */
export type BulkTable = 'nodes' | 'edges' | 'events';

/**
 * Below this many rows a commit writes keys as it goes: rebuilding an index reads the whole table,
 * which a small sync into a large file must not pay.
 */
export const BULK_MIN_ROWS = 20_000;

/**
 * What a commit of `incomingRows` rows into `table` builds after its rows:
 * - 'none': small commits, or large ones into a larger table (keys written as they come);
 * - 'secondary': a large commit into a table no larger than it — the rebuild then costs at most
 *   about twice the rows written; the unique key stays for the upserts;
 * - 'all': the same, and the tenant has no row in the table yet (its first sync): every row is
 *   new, so rows go in with plain INSERTs and the unique key is built after them too (built
 *   UNIQUE, so a duplicate would still fail the commit, never pass silently).
 */
export type Deferral = 'none' | 'secondary' | 'all';

export function deferralFor(db: Database, table: BulkTable, tenantId: string, incomingRows: number, minRows = BULK_MIN_ROWS): Deferral {
  if (incomingRows < minRows) return 'none';
  // max(rowid) is one B-tree descent (count(*) would scan): rows ever appended, a fair size estimate.
  const size = db.prepare(`SELECT max(rowid) AS n FROM ${table}`).get() as { n: number | null };
  if (incomingRows < (size.n ?? 0)) return 'none';
  const tenantHasRows = db.prepare(`SELECT 1 FROM ${table} WHERE tenant = ? LIMIT 1`).get(tenantId) !== undefined;
  return tenantHasRows ? 'secondary' : 'all';
}

/**
 * Helper threads SQLite's sorter may use while a commit builds indexes: one per spare core, at
 * most two. The 1M-node first sync's 13 index builds took 42 s with one against 51 s without (2
 * cores, quiet machine). The cost: each thread sorts in its own cache_size of memory (+128 MiB
 * peak for a 3M-entry build), and beside other work on two cores a micro-test ran 40–65% slower.
 * A one-core machine gets none.
 */
const SORTER_THREADS = Math.max(0, Math.min(2, availableParallelism() - 1));

/**
 * Run `write` with the table's indexes of the deferral dropped, then create them again from their
 * own stored definitions (so an index added to the schema later is handled too). Must be called
 * inside a write transaction: a failure anywhere rolls back the drop with everything else.
 */
export function withDeferredIndexes<T>(db: Database, table: BulkTable, deferral: Exclude<Deferral, 'none'>, write: () => T): T {
  if (!db.inTransaction) throw new Error(`deferred indexes on ${table} need the commit's transaction`);
  const indexes = (
    db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`).all(table) as {
      name: string;
      sql: string;
    }[]
  ).filter((index) => deferral === 'all' || !/^CREATE UNIQUE/i.test(index.sql));
  for (const { name } of indexes) db.exec(`DROP INDEX "${name.replaceAll('"', '""')}"`);
  const result = write();
  db.pragma(`threads = ${SORTER_THREADS}`);
  try {
    for (const { sql } of indexes) db.exec(sql);
  } finally {
    db.pragma('threads = 0');
  }
  return result;
}

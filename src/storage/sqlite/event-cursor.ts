import type { Database, Statement } from 'better-sqlite3';
import { EVENT_ROW_COLUMNS } from './event-rows.ts';

/**
 * Where the relay stands in the published events (schema 5). Events are rows in commit order
 * (rowid: one writer at a time, and no event row is ever deleted); the relay sends them in that
 * order, so what it has sent is, nearly always, every published event up to one row. That row is
 * the cursor, kept as the event's key (a VACUUM may renumber rowids but keeps their order, so the
 * key is looked up again on every read). An event marked sent out of that order (a caller marking
 * a few rows of the middle) gets its own sent_at, as every event did before schema 5.
 *
 * Why: marking each sent event was an UPDATE of its row and of a partial index of unsent events
 * (34k row writes per relay run of a 1%-change sync of 1M nodes), and a 1M-node first sync built
 * that index over its 4M events. A mark is now a lookup per event and one cursor row.
 */
export class EventCursor {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database) {
    this.s = prepare(db);
  }

  /** Unsent published events after the cursor, in commit order; of one tenant (its key) when given. */
  pending(limit: number, tenant?: string): unknown[] {
    return tenant === undefined ? this.s.pending.all(limit) : this.s.pendingOfTenant.all(tenant, limit);
  }

  /**
   * Marks events sent, inside the caller's write transaction (keys by tenant key, sync and event
   * id), and returns the keys that are not events (prepared messages, which the caller marks). The
   * cursor moves to the last marked event when every pending event up to it is among those
   * marked; else each marked event gets its own sent_at.
   */
  markSent<Key extends { tenant: string; outboxId: string; batchId: string }>(keys: readonly Key[], sentAt: string): Key[] {
    const cursor = this.s.cursorRowid.get() as number;
    const rowids = new Set<number>();
    const notEvents: Key[] = [];
    let last = cursor;
    for (const key of keys) {
      const rowid = this.s.rowidOf.get(key.tenant, key.batchId, key.outboxId) as number | undefined;
      if (rowid === undefined) notEvents.push(key);
      else if (rowid > cursor) {
        rowids.add(rowid);
        if (rowid > last) last = rowid;
      }
    }
    if (rowids.size === 0) return notEvents;
    const pendingUpTo = this.s.pendingBetween.all(cursor, last) as number[];
    let marked = 0;
    if (pendingUpTo.every((rowid) => rowids.has(rowid))) {
      this.s.moveCursor.run(last);
      marked = pendingUpTo.length;
    } else {
      for (const rowid of rowids) marked += this.s.markOne.run(sentAt, rowid).changes;
    }
    this.s.unsentAdd.run(-marked);
    this.s.sentAdd.run(marked);
    return notEvents;
  }

  /** A commit published `count` more events. */
  published(count: number): void {
    if (count) this.s.unsentAdd.run(count);
  }

  stats(): { pending: number; sent: number } {
    return this.s.stats.get() as { pending: number; sent: number };
  }
}

/**
 * The rowid of the cursor's event; 0 before any event was sent. Found through events_in_sync
 * (tenant, sync, event id), so the cursor keeps the event's sync (schema 7): by tenant and event id
 * alone no index answers, and every relay read and every mark scanned the events (~120 ms each at
 * 800k events, growing with the file; a relay run marks once per request). CROSS JOIN keeps
 * SQLite's join order, the one cursor row first: left to choose, it scanned the events inside the
 * pending read and probed the cursor from each (~270 against ~170 ms for 40k rows at 800k events).
 */
const CURSOR_ROWID = `(SELECT coalesce(max(e.rowid), 0) FROM event_cursor c CROSS JOIN events e ON e.tenant = c.tenant AND e.sync_id = c.sync_id AND e.event_id = c.event_id)`;
const UNSENT = 'outbox_at IS NOT NULL AND sent_at IS NULL';
/** The cursor to the event of a rowid. */
const MOVE_CURSOR = 'INSERT OR REPLACE INTO event_cursor (id, tenant, sync_id, event_id) SELECT 1, tenant, sync_id, event_id FROM events WHERE rowid = ?';

function prepare(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    cursorRowid: p(`SELECT ${CURSOR_ROWID}`).pluck(),
    pending: p(`SELECT outbox_at, outbox_position, ${EVENT_ROW_COLUMNS} FROM events WHERE rowid > ${CURSOR_ROWID} AND ${UNSENT} ORDER BY rowid LIMIT ?`),
    pendingOfTenant: p(
      `SELECT outbox_at, outbox_position, ${EVENT_ROW_COLUMNS} FROM events WHERE rowid > ${CURSOR_ROWID} AND ${UNSENT} AND tenant = ? ORDER BY rowid LIMIT ?`,
    ),
    // From the key index alone.
    rowidOf: p('SELECT rowid FROM events WHERE tenant = ? AND sync_id = ? AND event_id = ?').pluck(),
    pendingBetween: p(`SELECT rowid FROM events WHERE rowid > ? AND rowid <= ? AND ${UNSENT}`).pluck(),
    moveCursor: p(MOVE_CURSOR),
    markOne: p(`UPDATE events SET sent_at = ? WHERE rowid = ? AND ${UNSENT}`),
    unsentAdd: p(`UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'events_unsent'`),
    sentAdd: p(`UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'events_sent'`),
    stats: p(
      `SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_unsent') AS pending,
              (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_sent') AS sent`,
    ),
  };
}

/**
 * Schema 5 for an older file, inside its upgrade transaction: the pending count from the old
 * partial index (then dropped), and the cursor just before the first unsent published event (or
 * at the last event when none is unsent), so nothing unsent is skipped.
 */
export function upgradeToEventCursor(db: Database): void {
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('events_unsent', (SELECT count(*) FROM events WHERE ${UNSENT}))`).run();
  const firstUnsent = db.prepare(`SELECT min(rowid) FROM events WHERE ${UNSENT}`).pluck().get() as number | null;
  const before = (
    firstUnsent === null
      ? db.prepare('SELECT max(rowid) FROM events').pluck().get()
      : db.prepare('SELECT max(rowid) FROM events WHERE rowid < ?').pluck().get(firstUnsent)
  ) as number | null;
  if (before !== null) db.prepare(MOVE_CURSOR).run(before);
  db.exec('DROP INDEX IF EXISTS events_unsent');
}

/**
 * Schema 7 for a file of schema 5 or 6, inside its upgrade transaction: the cursor gains its
 * event's sync (one lookup by tenant and event id, a scan of the events, once).
 */
export function keepCursorSync(db: Database): void {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('event_cursor')`).pluck().all() as string[];
  if (!columns.includes('sync_id')) db.exec('ALTER TABLE event_cursor ADD COLUMN sync_id TEXT');
  db.exec(
    `UPDATE event_cursor SET sync_id = (SELECT e.sync_id FROM events e WHERE e.tenant = event_cursor.tenant AND e.event_id = event_cursor.event_id LIMIT 1)`,
  );
}

import type { Database } from 'better-sqlite3';
import { StorageError } from '../errors.ts';

/** SQLITE_BUSY (and its extended codes): another connection holds the write lock past busy_timeout. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Writers take turns on one file; when the wait runs out the caller learns who holds it. The
 * 'running' sync records are the only writers that hold the file for long (a sync's commit), so
 * they are named — read without waiting, since WAL readers never block.
 */
export class StoreBusyError extends StorageError {
  override readonly name = 'StoreBusyError';
  constructor(db: Database, waiter: string | undefined | { opening: true }, cause: unknown) {
    super(`${describeWait(waiter)}: ${holders(db)}. Nothing was written; try again when it has finished.`, 'UNAVAILABLE', { cause });
  }
}

/** Who waited: a sync's commit (its id), another write, or opening the file (schema set-up). */
function describeWait(waiter: string | undefined | { opening: true }): string {
  const what =
    typeof waiter === 'object' ? 'the file could not be opened' : waiter ? `sync ${waiter} could not commit` : 'a write could not start';
  return `the embedded store is busy (another process is writing to it) and ${what} within the busy timeout`;
}

function holders(db: Database): string {
  try {
    const running = db
      .prepare(`SELECT sync_id, connector, started_at FROM sync_states WHERE status = 'running' ORDER BY started_at DESC LIMIT 3`)
      .all() as { sync_id: string; connector: string; started_at: string }[];
    if (running.length === 0) return 'no sync is recorded as running (another command holds the file)';
    return `running: ${running.map((r) => `sync ${r.sync_id} of ${r.connector} since ${r.started_at}`).join('; ')}`;
  } catch {
    return 'the holder could not be read';
  }
}

import type { Statement } from 'better-sqlite3';

// Plain INSERTs of many rows, several rows per statement. A tenant's first sync writes millions
// of rows that are all new (deferred-indexes.ts 'all'); one statement per row paid the call into
// the native binding and a statement step per row: 16 rows per statement wrote 2M event-shaped
// rows ~35% faster on this machine kind (1 → 16 rows; 64 gained nothing more).

/** Rows per multi-row statement. SQLite allows 32,766 bound values; 16 rows of 16 columns use 256. */
export const ROWS_PER_STATEMENT = 16;

/** `INSERT INTO t (a, b) VALUES (?, ?)` as a statement of `rows` rows: its VALUES tuple repeated. */
export function manyRowsInsert(insertSql: string, rows = ROWS_PER_STATEMENT): string {
  const at = insertSql.lastIndexOf('VALUES');
  if (at < 0) throw new Error(`not a single-row INSERT: ${insertSql}`);
  const tuple = insertSql.slice(at + 'VALUES'.length).trim();
  return `${insertSql.slice(0, at)}VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
}

/**
 * Collects rows and runs `many` (manyRowsInsert of `one`'s SQL) for each full set of
 * ROWS_PER_STATEMENT rows, `one` for the rows left at `flush`. Callers must flush before reading the table.
 */
export class InsertBatch {
  private readonly values: unknown[];
  private readonly columns: number;
  private filled = 0;

  constructor(
    private readonly one: Statement,
    private readonly many: Statement,
  ) {
    // The single-row statement's placeholders are the row's columns (the SQL holds no '?' elsewhere).
    this.columns = one.source.split('?').length - 1;
    this.values = new Array<unknown>(this.columns * ROWS_PER_STATEMENT);
  }

  add(...row: unknown[]): void {
    if (row.length !== this.columns) throw new Error(`a row of ${row.length} values for an insert of ${this.columns} columns`);
    const base = this.filled * this.columns;
    for (let i = 0; i < row.length; i++) this.values[base + i] = row[i];
    if (++this.filled === ROWS_PER_STATEMENT) {
      this.many.run(this.values);
      this.filled = 0;
    }
  }

  flush(): void {
    for (let r = 0; r < this.filled; r++) this.one.run(this.values.slice(r * this.columns, (r + 1) * this.columns));
    this.filled = 0;
  }
}

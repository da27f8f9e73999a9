import type { AuditLogExtractOptions, AuditRecord } from './types.ts';

// Audit logs read by time (`>= since`, oldest first) return the cursor's own record again on the
// next read; the cursor keeps the newest timestamp and the last record at it, and that record is
// skipped when it comes back. Shared by the sources whose logs page this way (Entra ID, GitHub).

/** The records of `pages` not delivered last time, of the wanted operations. */
export async function collectAuditRecords<T>(
  pages: AsyncIterable<readonly T[]>,
  toRecord: (raw: T) => AuditRecord,
  options: AuditLogExtractOptions,
  since: string,
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const page of pages) {
    for (const raw of page) {
      const record = toRecord(raw);
      if (options.cursor && record.timestamp === since && options.cursor.cursorState.skipToken === record.sourceRecordId) continue;
      if (!options.operations || options.operations.includes(record.operation)) records.push(record);
    }
  }
  return records;
}

/** The cursor after `records`: the newest timestamp (else `since`) and the last record seen at it. */
export function timestampCursorState(records: readonly AuditRecord[], since: string): { lastActivityDatetime: string; skipToken?: string } {
  const newest = records
    .map((r) => r.timestamp)
    .sort()
    .at(-1);
  return { lastActivityDatetime: newest ?? since, ...(newest ? { skipToken: records.filter((r) => r.timestamp === newest).at(-1)?.sourceRecordId } : {}) };
}

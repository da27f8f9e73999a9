import { describe, expect, it } from 'vitest';
import { collectAuditRecords, timestampCursorState } from '../../../src/connector/audit-cursor.ts';
import type { AuditRecord } from '../../../src/connector/types.ts';

const record = (id: string, timestamp: string, operation = 'Add member'): AuditRecord => ({ sourceRecordId: id, timestamp, operation }) as AuditRecord;
async function* pages(...lists: AuditRecord[][]) {
  for (const list of lists) yield list;
}

describe('timestamp audit cursors', () => {
  it('skips the record the cursor delivered last time, keeps the rest of its second, filters operations', async () => {
    const since = '2026-11-01T00:00:00.000Z';
    const cursor = { tenantId: 't', sourceSystem: 'entra_id', cursorState: { lastActivityDatetime: since, skipToken: 'a' }, lastSuccessfulSync: since };
    const got = await collectAuditRecords(
      pages([record('a', since), record('b', since)], [record('c', '2026-11-02T00:00:00.000Z', 'Delete user'), record('d', '2026-11-03T00:00:00.000Z')]),
      (r) => r,
      { syncId: 's', since, cursor, operations: ['Add member'] } as never,
      since,
    );
    expect(got.map((r) => r.sourceRecordId)).toEqual(['b', 'd']);
  });

  it('moves to the newest timestamp and the last record at it; stays at `since` when nothing came', () => {
    const records = [record('x', '2026-11-03T00:00:00.000Z'), record('y', '2026-11-02T00:00:00.000Z'), record('z', '2026-11-03T00:00:00.000Z')];
    expect(timestampCursorState(records, 'S')).toEqual({ lastActivityDatetime: '2026-11-03T00:00:00.000Z', skipToken: 'z' });
    expect(timestampCursorState([], 'S')).toEqual({ lastActivityDatetime: 'S' });
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { InvalidScheduleError, SyncScheduler, nextRun } from '../../../src/sync/scheduler.ts';
import { freshTenant, sampleTenant } from '../../support/sample-tenant.ts';
import { staticGraphInstance } from '../../support/static-connector.ts';

describe('SyncScheduler', () => {
  it('computes the next run from a cron expression and rejects a bad one', () => {
    expect(nextRun('0 2 * * *', new Date('2026-01-01T03:00:00Z')).toISOString()).toBe('2026-01-02T02:00:00.000Z');
    expect(() => nextRun('61 * * * *', new Date())).toThrow(InvalidScheduleError);
  });

  it('runs an instance on its schedule, never twice at once', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('sched');
    const instance = staticGraphInstance(tenantId, 'static', { graph: sampleTenant(tenantId) });
    const reports: string[] = [];
    const scheduler = new SyncScheduler(storage, [{ instance, schedule: '* * * * * *' }], (_id, report) => reports.push(report?.outcomes[0]?.status ?? 'error'));
    scheduler.start();
    await new Promise((r) => setTimeout(r, 3_200));
    await scheduler.stop();
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((s) => s === 'completed')).toBe(true);
    const records = await storage.listSyncStates(tenantId, { connectorId: 'static' });
    expect(records.length).toBe(reports.length);
    expect(records.every((r) => r.status === 'completed')).toBe(true);
  });
});

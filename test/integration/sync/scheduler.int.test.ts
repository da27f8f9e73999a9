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

  it('does not fire a schedule more than 24.8 days away (Node fires such a timer at once)', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('sched-yearly');
    const instance = staticGraphInstance(tenantId, 'static', { graph: sampleTenant(tenantId) });
    const next = new Date(Date.now() + 60 * 86_400_000);
    const yearly = `0 0 ${next.getDate()} ${next.getMonth() + 1} *`;
    const reports: string[] = [];
    const scheduler = new SyncScheduler(storage, [{ instance, schedule: yearly }], (_id, report) => reports.push(report?.outcomes[0]?.status ?? 'error'));
    scheduler.start();
    await new Promise((r) => setTimeout(r, 500));
    await scheduler.stop();
    expect(reports).toEqual([]);
    expect(await storage.listSyncStates(tenantId)).toEqual([]);
  });

  it('two schedulers on one store run each due time once between them', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('sched-pair');
    const instance = staticGraphInstance(tenantId, 'static', { graph: sampleTenant(tenantId) });
    const ran: string[][] = [[], []];
    const schedulers = [0, 1].map((i) => new SyncScheduler(storage, [{ instance, schedule: '* * * * * *' }], (_id, report) => ran[i]!.push(report!.syncId)));
    for (const s of schedulers) s.start();
    await new Promise((r) => setTimeout(r, 3_200));
    await Promise.all(schedulers.map((s) => s.stop()));
    const all = [...ran[0]!, ...ran[1]!];
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((id) => id.startsWith('sched-'))).toBe(true);
  });
});


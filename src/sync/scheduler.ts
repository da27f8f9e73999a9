import { randomBytes } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import type { ConnectorInstance } from './connectors-config.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { runTenantSync, syncLeaseKey } from './run-tenant-sync.ts';
import type { TenantSyncOptions, TenantSyncReport } from './run-tenant-sync.ts';
import { connectorSyncId } from './sync-ids.ts';

const LEASE_TTL_MS = 30_000;
const MAX_TIMER_MS = 24 * 3_600_000;

/** The run id of an instance's run at one due time: the same in every scheduler process. */
export function scheduledSyncId(due: Date): string {
  return `sched-${due.toISOString().replace(/[-:.]/g, '').replace('T', 't').toLowerCase()}`;
}

export interface ScheduledInstance {
  instance: ConnectorInstance;
  /** Cron expression (5 fields, or 6 with seconds). */
  schedule: string;
}

export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
}

/** The next time a cron expression fires after `from`; a clear error for a bad expression. */
export function nextRun(schedule: string, from: Date): Date {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: from }).next().toDate();
  } catch (error) {
    throw new InvalidScheduleError(`invalid cron schedule "${schedule}": ${(error as Error).message}`);
  }
}

/**
 * Runs each connector instance on its cron schedule. In this process an instance whose previous
 * run is still going is skipped (not queued). Several schedulers on one config share the work:
 * each due time's run has an id derived from that time (scheduledSyncId), and a scheduler runs it
 * only if, holding the instance's lease, it finds no record of that id: so each instance runs
 * exactly once per due time however many schedulers fire, and when one scheduler dies the others
 * go on running every due time (docs/scale.md).
 */
export class SyncScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly entries: readonly ScheduledInstance[],
    private readonly onRun: (connectorId: string, report: TenantSyncReport | undefined, error?: unknown) => void = () => {},
    /** Logger and metrics every run gets. */
    private readonly observe: Pick<TenantSyncOptions, 'log' | 'metrics'> = {},
  ) {
    for (const e of entries) nextRun(e.schedule, new Date()); // validate every schedule up front
  }

  start(): void {
    for (const entry of this.entries) this.arm(entry);
  }

  private arm(entry: ScheduledInstance, due = nextRun(entry.schedule, new Date())): void {
    if (this.stopped) return;
    const id = entry.instance.config.connectorId;
    const delay = Math.max(0, due.getTime() - Date.now());
    // Node fires a timer of more than 2^31-1 ms (~24.8 days) at once: a monthly or yearly
    // schedule waits in steps of a day instead.
    if (delay > MAX_TIMER_MS) this.timers.set(id, setTimeout(() => this.arm(entry, due), MAX_TIMER_MS));
    else this.timers.set(id, setTimeout(() => this.fire(entry, due), delay));
  }

  private fire(entry: ScheduledInstance, due: Date): void {
    const id = entry.instance.config.connectorId;
    if (!this.running.has(id)) {
      const run = this.runDue(entry, due)
        .then((report) => report && this.onRun(id, report))
        .catch((error: unknown) => this.onRun(id, undefined, error))
        .finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    this.arm(entry);
  }

  /** The due time's run, unless another scheduler runs or ran it (then undefined). */
  private async runDue(entry: ScheduledInstance, due: Date): Promise<TenantSyncReport | undefined> {
    const { tenantId, connectorId, syncMode } = entry.instance.config;
    const syncId = scheduledSyncId(due);
    const owner = `sched-${process.pid}-${randomBytes(4).toString('hex')}`;
    const lease = syncLeaseKey(tenantId, connectorId);
    if (!(await this.storage.tryAcquireLease(lease, owner, LEASE_TTL_MS))) {
      this.observe.log?.debug({ tenantId, connectorId, syncId }, 'scheduled run skipped: another run holds the instance');
      return undefined;
    }
    // Under the lease nobody else can start this due time's run: it ran already, or it is ours.
    const recent = await this.storage.listSyncStates(tenantId, { connectorId, limit: 50 });
    if (recent.some((r) => r.syncId === connectorSyncId(syncId, connectorId))) {
      await this.storage.releaseLease(lease, owner);
      this.observe.log?.debug({ tenantId, connectorId, syncId }, 'scheduled run skipped: another scheduler ran this due time');
      return undefined;
    }
    // The run takes the lease over as the same owner and releases it at its end.
    return runTenantSync(this.storage, [entry.instance], { mode: syncMode, syncId, owner, leaseTtlMs: LEASE_TTL_MS, ...this.observe });
  }

  /** Stops firing and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.running.values()]);
  }
}

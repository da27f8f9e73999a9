import { CronExpressionParser } from 'cron-parser';
import type { ConnectorInstance } from './connectors-config.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { runTenantSync } from './run-tenant-sync.ts';
import type { TenantSyncOptions, TenantSyncReport } from './run-tenant-sync.ts';

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
 * run is still going is skipped (not queued); across processes the sync engine's per-instance
 * lease does the same, so several schedulers may run side by side safely.
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

  private arm(entry: ScheduledInstance): void {
    if (this.stopped) return;
    const id = entry.instance.config.connectorId;
    const delay = Math.max(0, nextRun(entry.schedule, new Date()).getTime() - Date.now());
    this.timers.set(id, setTimeout(() => this.fire(entry), delay));
  }

  private fire(entry: ScheduledInstance): void {
    const id = entry.instance.config.connectorId;
    if (!this.running.has(id)) {
      const run = runTenantSync(this.storage, [entry.instance], { mode: entry.instance.config.syncMode, ...this.observe })
        .then((report) => this.onRun(id, report))
        .catch((error: unknown) => this.onRun(id, undefined, error))
        .finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    this.arm(entry);
  }

  /** Stops firing and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.running.values()]);
  }
}

import { collectTenantGraphs } from './run-connectors.ts';
import type { ConnectorRunStats } from './run-connectors.ts';
import type { RetryNotice } from '../connector/http-client.ts';
import type { ConnectorInstance } from './connectors-config.ts';
import type { ProgressEvent } from '../connector/types.ts';
import { syncCompletedEnvelope } from '../events/envelope.ts';
import { toOutbox } from '../events/outbox-messages.ts';
import { TOPICS } from '../events/topics.ts';
import type { DiffResult, SyncError, SyncState } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { applyGraph } from './apply-graph.ts';
import { readDeltaPrevious } from './delta-previous.ts';
import { latestValidAt, runDriftJob } from '../drift/drift-job.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { connectorSyncId, newSyncId } from './sync-ids.ts';
import { errorFields, silentLogger } from '../observability/logger.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface TenantSyncOptions {
  mode: 'full' | 'incremental';
  syncId?: string;
  /** Whole-run limit (seed syncTimeoutSeconds, default 1 hour). */
  timeoutMs?: number;
  onProgress?: (event: ProgressEvent | { connectorId: string; phase: 'diff' | 'load' | 'post-sync'; message: string }) => void;
  /** Identifies this run in the per-connector leases. */
  owner?: string;
  /** Lease lifetime, renewed on a heartbeat while the run lasts (default 30 s). */
  leaseTtlMs?: number;
  /** Run the drift job after the sync and queue new findings (default true). */
  drift?: boolean;
  /** Sync phases, retries and outcomes are logged here, with tenant, connector and sync id. */
  log?: Logger;
  /** Sync duration and outcome, entities changed, events written, source rate limits. */
  metrics?: Metrics;
}

export interface ConnectorSyncOutcome {
  connectorId: string;
  syncId: string;
  status: SyncState['status'] | 'skipped';
  diff?: Omit<DiffResult, 'events'> & { events: number };
  stats?: ConnectorRunStats;
  error?: SyncError;
}

export interface TenantSyncReport {
  tenantId: string;
  syncId: string;
  mode: TenantSyncOptions['mode'];
  outcomes: ConnectorSyncOutcome[];
  durationMs: number;
  /** The post-sync drift job: findings since the previous sync, and how many were newly queued. */
  drift?: { findings: number; published: number; error?: string };
}

export class SyncTimeoutError extends Error {
  override readonly name = 'SyncTimeoutError';
}

/** The lease one connector instance's runs take turns on (API triggers take it before starting). */
export const syncLeaseKey = (tenantId: string, connectorId: string) => `sync:${tenantId}:${connectorId}`;

/**
 * One sync of a tenant's connector instances (seed 003 "Connector Sync Lifecycle"): initialize
 * (sync id, 'running' records, a lease per instance so one instance never runs twice at once,
 * across processes), health check + extract + transform + resolve (collectTenantGraphs), then per
 * connector diff + load (graph, events, outbox rows and the sync record in one commit), then
 * post-sync (the record says completed / partial / failed; the outbox carries the
 * sync-completed notice; the delta token is stored with the record).
 *
 * A connector that fails writes only its failed record: its stored graph is untouched. A commit
 * that fails (the database went away) leaves the graph as it was; the record says failed if the
 * database can still be reached, and the next run simply diffs again.
 */
export async function runTenantSync(
  storage: StorageAdapter,
  instances: readonly ConnectorInstance[],
  options: TenantSyncOptions,
): Promise<TenantSyncReport> {
  const started = Date.now();
  const runId = options.syncId ?? newSyncId();
  const owner = options.owner ?? `sync-${process.pid}-${runId}`;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const tenantId = instances[0]?.config.tenantId ?? '';
  const log = (options.log ?? silentLogger()).child({ tenantId, syncId: runId, mode: options.mode });
  const metrics = options.metrics;
  const say: NonNullable<TenantSyncOptions['onProgress']> = (event) => {
    const { message, ...fields } = event;
    log.info(fields, message);
    options.onProgress?.(event);
  };
  const onRetry = (connectorId: string, retry: RetryNotice) => {
    log.warn({ connectorId, url: retry.url, attempt: retry.attempt, delayMs: retry.delayMs, errorType: retry.errorType, status: retry.status }, `retrying a ${retry.client} call in ${retry.delayMs} ms`);
    metrics?.retries.inc({ connector: connectorId, error_type: retry.errorType });
    if (retry.errorType === 'RATE_LIMITED') metrics?.rateLimited.inc({ connector: connectorId });
  };
  const outcomes: ConnectorSyncOutcome[] = [];
  log.info({ connectors: instances.map((i) => i.config.connectorId) }, 'sync started');

  // 1–2. Initialize: leases and 'running' records.
  const mine: ConnectorInstance[] = [];
  const leases: LeaseHeartbeat[] = [];
  for (const instance of instances) {
    const id = instance.config.connectorId;
    const syncId = connectorSyncId(runId, id);
    const lease = await LeaseHeartbeat.acquire(storage, syncLeaseKey(tenantId, id), owner, options.leaseTtlMs ?? 30_000);
    if (!lease) {
      outcomes.push({ connectorId: id, syncId, status: 'skipped', error: { type: 'ALREADY_RUNNING', message: `${id} is already syncing in another run` } });
      continue;
    }
    leases.push(lease);
    mine.push(instance);
    await closeAbandonedRuns(storage, tenantId, id);
    await storage.saveSyncState(tenantId, { syncId, tenantId, connectorId: id, mode: options.mode, status: 'running', startedAt: new Date().toISOString(), errors: [] });
  }

  const previousValidAt = options.drift === false ? undefined : await latestValidAt(storage, tenantId).catch(() => undefined);
  let drift: TenantSyncReport['drift'];
  try {
    const deltaTokens: Record<string, string | undefined> = {};
    if (options.mode === 'incremental') {
      for (const i of mine) deltaTokens[i.config.connectorId] = (await storage.lastCompletedSync(tenantId, i.config.connectorId))?.deltaToken;
    }
    // 3–5. Health check, extract, transform, resolve — bounded by the sync timeout.
    let timer: NodeJS.Timeout | undefined;
    const collection = await Promise.race([
      collectTenantGraphs(mine, { syncId: runId, mode: options.mode, deltaTokens, onProgress: say, onRetry }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SyncTimeoutError(`sync exceeded its ${Math.round(timeoutMs / 1000)} s timeout`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));

    // 6–8. Diff, load, post-sync — connector by connector, each its own atomic commit. A
    // cross-system edge may point at a node another connector of this run commits later.
    const runNodeIds = new Set(collection.graphs.flatMap((g) => g.nodes.map((n) => n.nodeId)));
    for (const instance of mine) {
      const id = instance.config.connectorId;
      const syncId = connectorSyncId(runId, id);
      const stats = collection.connectors.find((c) => c.connectorId === id);
      const graph = collection.graphs.find((g) => g.connectorId === id);
      const errors: SyncError[] = (stats?.errors ?? []).map((e) => ({
        type: e.type ?? 'PARTIAL',
        message: e.message,
        operation: e.operation,
        ...(e.entitySourceId ? { entitySourceId: e.entitySourceId } : {}),
      }));
      if (!graph || !stats || stats.status === 'failed') {
        const failure = stats?.failure ?? { type: 'UNKNOWN', message: 'the connector produced no graph' };
        outcomes.push(await recordFailure(storage, tenantId, id, syncId, options.mode, [{ type: failure.type, message: failure.message }, ...errors], stats));
        continue;
      }
      try {
        say({ connectorId: id, phase: 'diff', message: 'comparing with the stored graph' });
        // A delta is diffed against the stored entities it touches (readDeltaPrevious); a full
        // extraction against the stored ids and content hashes alone (applyGraph reads them).
        const delta = stats.incremental ? await readDeltaPrevious(storage, { ...graph, syncId }) : undefined;
        const current = delta ? delta.current : { ...graph, syncId };
        say({ connectorId: id, phase: 'load', message: 'committing changes, events and outbox' });
        // applyGraph refuses dangling edges (ends in no graph of this run nor the store) and says
        // what the sync record became, so this outcome and the record agree.
        const diff = await applyGraph(storage, current, {
          mode: options.mode,
          ...(delta ? { previous: delta.previous } : {}),
          errors,
          runNodeIds,
          ...(stats.deltaToken ? { deltaToken: stats.deltaToken } : {}),
        });
        const { events, status, warnings: _warnings, ...counts } = diff;
        outcomes.push({ connectorId: id, syncId, status, diff: { ...counts, events: events.length }, stats });
        say({ connectorId: id, phase: 'post-sync', message: `${events.length} events queued for Kafka` });
      } catch (error) {
        outcomes.push(await recordFailure(storage, tenantId, id, syncId, options.mode, [{ type: 'LOAD_FAILED', message: (error as Error).message }], stats));
      }
    }
    // Post-sync drift job (seed: "trigger evaluator … generate evidence packs for new findings").
    // A drift failure never fails the sync: it is reported, and the next run covers the window.
    const validAt = await latestValidAt(storage, tenantId).catch(() => undefined);
    if (previousValidAt && validAt && validAt !== previousValidAt) {
      try {
        const job = await runDriftJob(storage, tenantId, previousValidAt, validAt);
        drift = { findings: job.report.findings.length, published: job.published };
        say({ connectorId: '*', phase: 'post-sync', message: `drift: ${job.report.findings.length} finding(s), ${job.published} new` });
      } catch (error) {
        drift = { findings: 0, published: 0, error: (error as Error).message };
        log.warn(errorFields(error), 'drift job failed; the next sync covers its window');
      }
    }
  } catch (error) {
    for (const instance of mine) {
      const id = instance.config.connectorId;
      if (outcomes.some((o) => o.connectorId === id)) continue;
      const type = error instanceof SyncTimeoutError ? 'TIMEOUT' : 'SYNC_FAILED';
      outcomes.push(await recordFailure(storage, tenantId, id, connectorSyncId(runId, id), options.mode, [{ type, message: (error as Error).message }]));
    }
  } finally {
    for (const lease of leases) await lease.release();
  }
  const durationMs = Date.now() - started;
  for (const outcome of outcomes) observeOutcome(log, metrics, outcome, durationMs);
  return { tenantId, syncId: runId, mode: options.mode, outcomes, durationMs, ...(drift ? { drift } : {}) };
}

/** One line per connector outcome, at a level that says how it went, and its metrics. */
function observeOutcome(log: Logger, metrics: Metrics | undefined, o: ConnectorSyncOutcome, durationMs: number): void {
  const fields = {
    connectorId: o.connectorId,
    connectorSyncId: o.syncId,
    status: o.status,
    durationMs,
    ...(o.diff ? { changes: { nodesCreated: o.diff.nodesCreated, nodesUpdated: o.diff.nodesUpdated, nodesDeleted: o.diff.nodesDeleted, edgesCreated: o.diff.edgesCreated, edgesUpdated: o.diff.edgesUpdated, edgesRemoved: o.diff.edgesRemoved }, events: o.diff.events } : {}),
    ...(o.stats ? { apiCalls: o.stats.apiCalls, retries: o.stats.retries } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
  if (o.status === 'failed') log.error(fields, `connector sync failed: ${o.error?.type ?? 'unknown'}`);
  else if (o.status === 'partial' || o.status === 'skipped') log.warn(fields, `connector sync ${o.status}`);
  else log.info(fields, 'connector sync completed');
  if (!metrics) return;
  const connector = o.connectorId;
  metrics.syncs.inc({ connector, outcome: o.status });
  if (o.status !== 'skipped') metrics.syncDuration.observe({ connector, outcome: o.status }, durationMs / 1000);
  if (o.diff) {
    const d = o.diff;
    const changes: [string, string, number][] = [
      ['node', 'created', d.nodesCreated],
      ['node', 'updated', d.nodesUpdated],
      ['node', 'deleted', d.nodesDeleted],
      ['edge', 'created', d.edgesCreated],
      ['edge', 'updated', d.edgesUpdated],
      ['edge', 'deleted', d.edgesRemoved],
    ];
    for (const [kind, change, n] of changes) metrics.entitiesChanged.inc({ connector, kind, change }, n);
    metrics.eventsWritten.inc({ connector }, d.events);
  }
}

/**
 * Holding the lease means nobody else is syncing this instance, so a record still 'running' was
 * left by a process that died (or lost its database) mid-sync: close it as failed, with the reason.
 */
async function closeAbandonedRuns(storage: StorageAdapter, tenantId: string, connectorId: string): Promise<void> {
  const recent = await storage.listSyncStates(tenantId, { connectorId, limit: 20 });
  for (const stale of recent.filter((s) => s.status === 'running')) {
    await storage.saveSyncState(tenantId, {
      ...stale,
      status: 'failed',
      completedAt: new Date().toISOString(),
      errors: [...stale.errors, { type: 'ABANDONED', message: 'the process running this sync stopped before it finished; nothing of it was committed' }],
    });
  }
}

/** Record a failed connector sync and announce it; never throws (the store itself may be down). */
async function recordFailure(
  storage: StorageAdapter,
  tenantId: string,
  connectorId: string,
  syncId: string,
  mode: SyncState['mode'],
  errors: SyncError[],
  stats?: ConnectorRunStats,
): Promise<ConnectorSyncOutcome> {
  const now = new Date().toISOString();
  const record: SyncState = { syncId, tenantId, connectorId, mode, status: 'failed', startedAt: now, completedAt: now, errors };
  try {
    const existing = (await storage.listSyncStates(tenantId, { connectorId, limit: 5 })).find((s) => s.syncId === syncId);
    if (existing) record.startedAt = existing.startedAt;
    await storage.saveSyncState(tenantId, record);
    await storage.enqueueOutbox(tenantId, [
      toOutbox(syncCompletedEnvelope(record), TOPICS.syncsCompleted, `${tenantId}|${connectorId}`, { batchId: syncId, createdAt: now, position: 0 }),
    ]);
  } catch {
    // The store is unreachable: the 'running' record stays behind and the report says failed.
  }
  return { connectorId, syncId, status: 'failed', error: errors[0]!, ...(stats ? { stats } : {}) };
}

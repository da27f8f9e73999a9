import type { ConnectorInstance } from './connectors-config.ts';
import type { AuditRecord, SyncCursor } from '../connector/types.ts';
import { syncCompletedMessage } from '../events/outbox-messages.ts';
import type { JsonObject, SyncState } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { auditRecordsToEvents } from './audit-events.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { checkRetention } from './retention.ts';
import { runTenantSync, syncLeaseKey } from './run-tenant-sync.ts';
import type { ConnectorSyncOutcome, TenantSyncOptions, TenantSyncReport } from './run-tenant-sync.ts';
import { connectorSyncId, newSyncId } from './sync-ids.ts';

export interface AuditLogSyncOptions {
  syncId?: string;
  now?: () => Date;
  onProgress?: TenantSyncOptions['onProgress'];
  owner?: string;
  log?: TenantSyncOptions['log'];
  metrics?: TenantSyncOptions['metrics'];
}

/**
 * Audit-log sync (seed 003 "Audit Log Sync Lifecycle"). Per connector instance:
 *  1. baseline: without one, or with the cursor near or past the source's audit retention, take a
 *     full sync first (a protective baseline) and resume from audit logs next time;
 *  2. load the cursor from the last successful sync; refuse one older than the retention window;
 *  3. fetch audit records since the cursor, map them to events with the operation tables;
 *  4. store events, outbox rows and the advanced cursor in one commit.
 * The graph itself is refreshed by baselines; audit events record what happened in between.
 */
export async function runAuditLogSync(
  storage: StorageAdapter,
  instances: readonly ConnectorInstance[],
  options: AuditLogSyncOptions = {},
): Promise<TenantSyncReport> {
  const started = Date.now();
  const runId = options.syncId ?? newSyncId();
  const now = options.now ?? (() => new Date());
  const tenantId = instances[0]?.config.tenantId ?? '';
  const outcomes: ConnectorSyncOutcome[] = [];
  const say: NonNullable<AuditLogSyncOptions['onProgress']> = (event) => {
    const { message, ...fields } = event;
    options.log?.info({ tenantId, syncId: runId, ...fields }, message);
    options.onProgress?.(event);
  };
  // What the full syncs this run may start share with it: progress, logs, metrics.
  const passOn = {
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };

  for (const instance of instances) {
    const { connector, config } = instance;
    const id = config.connectorId;
    if (!connector.supportsAuditLog || !connector.extractAuditLogs || !connector.mapAuditRecord) {
      say({ connectorId: id, phase: 'diff', message: 'no audit log support: running a full sync instead' });
      outcomes.push(...(await runTenantSync(storage, [instance], { mode: 'full', syncId: `${runId}-full`, ...passOn })).outcomes);
      continue;
    }
    const verdict = await checkRetention(storage, instance, now());
    if (verdict.action !== 'none') {
      say({ connectorId: id, phase: 'diff', message: `taking a baseline: ${verdict.reason}` });
      const baseline = await runTenantSync(storage, [instance], { mode: 'full', syncId: `${runId}-baseline`, ...passOn });
      outcomes.push(...baseline.outcomes.map((o) => ({ ...o, ...(o.status !== 'failed' ? { note: verdict.reason } : {}) })));
      continue;
    }
    outcomes.push(await auditRound(storage, instance, connectorSyncId(runId, id), now, options.owner ?? `audit-${process.pid}`));
  }
  return { tenantId, syncId: runId, mode: 'full', outcomes, durationMs: Date.now() - started };
}

async function auditRound(
  storage: StorageAdapter,
  instance: ConnectorInstance,
  syncId: string,
  now: () => Date,
  owner: string,
): Promise<ConnectorSyncOutcome> {
  const { connector, config } = instance;
  const { tenantId, connectorId } = config;
  const lease = await LeaseHeartbeat.acquire(storage, syncLeaseKey(tenantId, connectorId), owner, 30_000);
  if (!lease) {
    return { connectorId, syncId, status: 'skipped', error: { type: 'ALREADY_RUNNING', message: `${connectorId} is already syncing` } };
  }
  const startedAt = now().toISOString();
  try {
    const last = (await storage.lastCompletedSync(tenantId, connectorId))!;
    const cursor = (last.cursor as unknown as SyncCursor | undefined) ?? undefined;
    const since = cursor?.lastSuccessfulSync ?? last.completedAt ?? last.startedAt;
    const extraction = await connector.extractAuditLogs!(config, { syncId, since, ...(cursor ? { cursor } : {}) });
    const scope = last.sourceScope ?? '';
    const events = auditRecordsToEvents(extraction.auditRecords, (r: AuditRecord) => connector.mapAuditRecord!(r, scope), { tenantId, connectorId, syncId });
    const syncState: SyncState = {
      syncId,
      tenantId,
      connectorId,
      mode: 'audit_log',
      status: 'completed',
      startedAt,
      completedAt: now().toISOString(),
      counts: { nodesCreated: 0, nodesUpdated: 0, nodesDeleted: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0, events: events.length },
      errors: [],
      cursor: extraction.nextCursor as unknown as JsonObject,
      ...(last.sourceScope ? { sourceScope: last.sourceScope } : {}),
    };
    await storage.commitSync(tenantId, {
      connectorId,
      changes: { upsertNodes: [], upsertEdges: [], removeEdgeIds: [] },
      events,
      syncState,
      publishEvents: { createdAt: syncState.completedAt! },
      outbox: [syncCompletedMessage(syncState, syncState.completedAt!, events.length)],
    });
    return {
      connectorId,
      syncId,
      status: 'completed',
      diff: {
        syncId,
        tenantId,
        computedAt: syncState.completedAt!,
        nodesCreated: 0,
        nodesUpdated: 0,
        nodesDeleted: 0,
        edgesCreated: 0,
        edgesUpdated: 0,
        edgesRemoved: 0,
        events: events.length,
        entitiesToEvaluate: [...new Set(events.map((e) => e.entityId))].sort(),
        deletionsWithheld: [],
      },
    };
  } catch (error) {
    const record: SyncState = { syncId, tenantId, connectorId, mode: 'audit_log', status: 'failed', startedAt, completedAt: now().toISOString(), errors: [{ type: (error as { type?: string }).type ?? 'AUDIT_FAILED', message: (error as Error).message }] };
    await storage.saveSyncState(tenantId, record).catch(() => {});
    return { connectorId, syncId, status: 'failed', error: record.errors[0]! };
  } finally {
    await lease.release();
  }
}

import type { ConnectorInstance } from '../sync/connectors-config.ts';
import type { SourceSystem, SyncMode } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { runAuditLogSync } from '../sync/audit-log-sync.ts';
import { runTenantSync, syncLeaseKey } from '../sync/run-tenant-sync.ts';
import type { TenantSyncOptions } from '../sync/run-tenant-sync.ts';

const LEASE_TTL_MS = 30_000;
import { newSyncId } from '../sync/sync-ids.ts';

/** A sync the API started. Its sync records' ids begin with runId; follow them with Query.syncs. */
export interface SyncRun {
  runId: string;
  connectorId: string;
  mode: SyncMode;
  startedAt: string;
}

/** Starts syncs for the API (Mutation.triggerSync). */
export interface SyncLauncher {
  /** The tenant's instances this server can sync. */
  configured(tenantId: string): { connectorId: string; sourceSystem: SourceSystem }[];
  /**
   * Starts a sync of the tenant's configured instance: the run, once it holds the instance's lease;
   * null when this tenant has no such instance. Throws SyncAlreadyRunningError when another run
   * (here or in another process) holds the lease: no run id is handed out for a run that won't run.
   */
  start(tenantId: string, connectorId: string, mode: SyncMode): Promise<SyncRun | null>;
}

export class SyncAlreadyRunningError extends Error {
  override readonly name = 'SyncAlreadyRunningError';
}

/**
 * Runs the sync engine for the connector instances this server was configured with (`authgraph
 * serve --connectors <file>`). The run goes on after the mutation returns: a sync takes minutes,
 * a request seconds. The engine's per-instance lease keeps a second trigger from running the same
 * instance twice at once (its record then says skipped).
 */
export function connectorSyncLauncher(
  storage: StorageAdapter,
  instances: readonly ConnectorInstance[],
  logError: (error: unknown) => void,
  observe: Pick<TenantSyncOptions, 'log' | 'metrics'> = {},
): SyncLauncher {
  return {
    configured: (tenantId) =>
      instances
        .filter((i) => i.config.tenantId === tenantId)
        .map((i) => ({ connectorId: i.config.connectorId, sourceSystem: i.connector.sourceSystem })),
    async start(tenantId, connectorId, mode) {
      const instance = instances.find((i) => i.config.tenantId === tenantId && i.config.connectorId === connectorId);
      if (!instance) return null;
      const runId = newSyncId();
      // Take the instance's lease now, as the run's owner: the run re-acquires it as its own (and
      // renews it); a trigger while another run holds it is refused here, not skipped later.
      const owner = `api-${process.pid}-${runId}`;
      if (!(await storage.tryAcquireLease(syncLeaseKey(tenantId, connectorId), owner, LEASE_TTL_MS))) {
        throw new SyncAlreadyRunningError(`${connectorId} is already syncing; follow that run in Query.syncs`);
      }
      const run =
        mode === 'audit_log'
          ? runAuditLogSync(storage, [instance], { syncId: runId, owner, ...observe })
          : runTenantSync(storage, [instance], { mode, syncId: runId, owner, leaseTtlMs: LEASE_TTL_MS, ...observe });
      run.catch(logError);
      return { runId, connectorId, mode, startedAt: new Date().toISOString() };
    },
  };
}

import type { ConnectorInstance } from '../sync/connectors-config.ts';
import type { SourceSystem, SyncMode } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { runAuditLogSync } from '../sync/audit-log-sync.ts';
import { runTenantSync } from '../sync/run-tenant-sync.ts';
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
  /** Starts a sync of the tenant's configured instance; null when this tenant has no such instance. */
  start(tenantId: string, connectorId: string, mode: SyncMode): SyncRun | null;
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
): SyncLauncher {
  return {
    configured: (tenantId) =>
      instances
        .filter((i) => i.config.tenantId === tenantId)
        .map((i) => ({ connectorId: i.config.connectorId, sourceSystem: i.connector.sourceSystem })),
    start(tenantId, connectorId, mode) {
      const instance = instances.find((i) => i.config.tenantId === tenantId && i.config.connectorId === connectorId);
      if (!instance) return null;
      const runId = newSyncId();
      const run =
        mode === 'audit_log'
          ? runAuditLogSync(storage, [instance], { syncId: runId })
          : runTenantSync(storage, [instance], { mode, syncId: runId });
      run.catch(logError);
      return { runId, connectorId, mode, startedAt: new Date().toISOString() };
    },
  };
}

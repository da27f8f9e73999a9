import type { ConnectorInstance } from './connectors-config.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

/** Days before the source's audit retention runs out at which a protective baseline is taken. */
export const RETENTION_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface RetentionVerdict {
  connectorId: string;
  retentionDays: number;
  /** When the position we would resume from was last advanced (the cursor's age counts from here). */
  lastSuccessfulSync?: string;
  ageDays?: number;
  action: 'none' | 'protective_baseline' | 'baseline_required';
  reason: string;
}

/** The connector's audit retention, overridable per instance with sourceConfig.auditRetentionDays. */
export function retentionDaysOf(instance: ConnectorInstance): number {
  const override = instance.config.sourceConfig.auditRetentionDays;
  if (typeof override === 'number' && override > 0) return override;
  return instance.connector.auditLogConfig?.retentionDays ?? 365;
}

/**
 * The daily retention check (seed 003 "Retention Management"): a connector whose last successful
 * sync is older than its audit retention minus a week needs a full baseline now, before the audit
 * records that would explain the gap are purged; one older than the retention itself can no
 * longer be caught up from audit logs at all.
 */
export async function checkRetention(storage: StorageAdapter, instance: ConnectorInstance, now = new Date()): Promise<RetentionVerdict> {
  const { tenantId, connectorId } = instance.config;
  const retentionDays = retentionDaysOf(instance);
  const last = await storage.lastCompletedSync(tenantId, connectorId);
  if (!last) return { connectorId, retentionDays, action: 'baseline_required', reason: 'no baseline has been taken yet' };
  const at = last.completedAt ?? last.startedAt;
  const ageDays = (now.getTime() - Date.parse(at)) / DAY_MS;
  const base = { connectorId, retentionDays, lastSuccessfulSync: at, ageDays: Math.round(ageDays * 10) / 10 };
  if (ageDays >= retentionDays) return { ...base, action: 'baseline_required', reason: `last sync ${base.ageDays} days ago is beyond the ${retentionDays}-day audit retention` };
  if (ageDays >= retentionDays - RETENTION_WARNING_DAYS) {
    return { ...base, action: 'protective_baseline', reason: `last sync ${base.ageDays} days ago: audit retention (${retentionDays} days) runs out within ${RETENTION_WARNING_DAYS} days` };
  }
  return { ...base, action: 'none', reason: 'within the retention window' };
}

import type { DriftReport } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { computeDrift } from './compute-drift.ts';
import { publishFindings } from './publish-findings.ts';

export interface DriftJobResult {
  report: DriftReport;
  published: number;
}

/**
 * After a sync: drift from the tenant's previous data point to this one, findings queued for
 * Kafka once. `previousValidAt` is the validity time of the newest sync before this run.
 */
export async function runDriftJob(storage: StorageAdapter, tenantId: string, previousValidAt: string, validAt: string): Promise<DriftJobResult> {
  const report = await computeDrift(storage, tenantId, { since: previousValidAt, until: validAt });
  return { report, published: await publishFindings(storage, report) };
}

/** The newest validity time among the tenant's successful syncs, if any. */
export async function latestValidAt(storage: StorageAdapter, tenantId: string): Promise<string | undefined> {
  const syncs = await storage.listSyncStates(tenantId, { limit: 200 });
  const times = syncs.filter((s) => (s.status === 'completed' || s.status === 'partial') && s.validAt).map((s) => s.validAt!);
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}

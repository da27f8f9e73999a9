import { ENVELOPE_VERSION } from '../events/envelope.ts';
import type { FindingEnvelope } from '../events/envelope.ts';
import { toOutbox } from '../events/outbox-messages.ts';
import { TOPICS } from '../events/topics.ts';
import { redactSecrets } from '../model/index.ts';
import type { DriftReport } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

/**
 * Queue findings for Kafka (authgraph.drift.finding) through the outbox. The outbox id is the
 * finding id, so a finding already queued — by an earlier run over an overlapping window — is not
 * queued again: a rerun publishes nothing new. Returns how many were new.
 */
export async function publishFindings(storage: StorageAdapter, report: DriftReport, source = 'drift-job'): Promise<number> {
  if (!report.findings.length) return 0;
  const before = await storage.outboxStats();
  const rows = report.findings.map((finding, position) => {
    const envelope: FindingEnvelope = {
      schemaVersion: ENVELOPE_VERSION,
      kind: 'drift_finding',
      eventId: finding.findingId,
      idempotencyKey: finding.findingId,
      tenantId: report.tenantId,
      sourceConnector: source,
      syncId: `drift:${report.until}`,
      occurredAt: finding.observedAt,
      // Findings come from secret-free graph data; checked again on the way out, as every export is.
      finding: redactSecrets(finding),
    };
    return toOutbox(envelope, TOPICS.driftFindings, `${report.tenantId}|${finding.entityIds[0] ?? finding.findingId}`, {
      batchId: `drift:${report.since}:${report.until}`,
      createdAt: report.until,
      position,
    });
  });
  await storage.enqueueOutbox(report.tenantId, rows);
  const after = await storage.outboxStats();
  return after.pending + after.sent - (before.pending + before.sent);
}

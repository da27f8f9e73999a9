import type { OutboxMessage } from '../model/index.ts';
import { TOPICS } from '../events/topics.ts';
import type { OutboxStore } from '../storage/StorageAdapter.ts';
import { AuditEnvelope, auditEnvelope } from './audit-envelope.ts';
import type { AuditAction, AuditOrigin } from './audit-envelope.ts';

/**
 * Writes audit records to the outbox (the relay takes them to authgraph.audit.all, keyed by
 * tenant, like every other message: Kafka down means delay, never loss) and lists them back.
 */
export class AuditTrail {
  constructor(
    private readonly outbox: Pick<OutboxStore, 'enqueueOutbox' | 'listOutbox'>,
    private readonly origin: AuditOrigin,
  ) {}

  /** The same trail for another request or run (a new conversation and trace). */
  withOrigin(origin: AuditOrigin): AuditTrail {
    return new AuditTrail(this.outbox, origin);
  }

  async record(action: AuditAction): Promise<AuditEnvelope> {
    const envelope = auditEnvelope(this.origin, action);
    await this.outbox.enqueueOutbox(envelope.tenantId, [auditOutboxRow(envelope)]);
    return envelope;
  }

  /** The tenant's records, newest first; `before` is the last record of the previous page. */
  async list(tenantId: string, options: { limit: number; before?: { occurredAt: string; eventId: string } }): Promise<AuditEnvelope[]> {
    const rows = await this.outbox.listOutbox(tenantId, {
      topic: TOPICS.audit,
      limit: options.limit,
      ...(options.before ? { before: { createdAt: options.before.occurredAt, outboxId: options.before.eventId } } : {}),
    });
    return rows.map((r) => AuditEnvelope.parse(JSON.parse(r.payload)));
  }
}

export function auditOutboxRow(envelope: AuditEnvelope): OutboxMessage {
  return {
    outboxId: envelope.eventId,
    tenantId: envelope.tenantId,
    topic: TOPICS.audit,
    // Keyed by tenant: one tenant's trail stays in one partition, in order.
    key: envelope.tenantId,
    payload: JSON.stringify(envelope),
    headers: { 'x-event-id': envelope.eventId, 'x-idempotency-key': envelope.idempotencyKey, 'x-schema-version': String(envelope.schemaVersion) },
    createdAt: envelope.occurredAt,
    batchId: `audit:${envelope.conversationId}`,
    position: 0,
  };
}

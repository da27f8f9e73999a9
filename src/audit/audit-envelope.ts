import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DateTime, JsonObject, NonEmpty, canonicalJson, findSecrets, redactSecrets, shortHash } from '../model/index.ts';

// The product's own audit trail, in the canonical audit envelope of seed 002 (AuditX
// CanonicalAuditEnvelope: event type, source, severity, service, environment, conversation id,
// trace id, business keys, extra map, an idempotency key hashed from the envelope's identity),
// with our names in camelCase. One envelope per sensitive action; it leaves through the outbox to
// authgraph.audit.all, keyed by tenant. Never a secret in it: built through redactSecrets and
// checked with the same detector before it is written.

export const AUDIT_ENVELOPE_VERSION = 1;

export const AuditEventType = z.enum([
  'EVIDENCE_PACK_PRODUCED',
  'EXPORT_WRITTEN',
  'SYNC_TRIGGERED',
  'SYNC_TRIGGER_REFUSED',
  'API_KEY_ISSUED',
  'API_KEY_REFUSED',
  'QUERY_REFUSED_COST',
  'QUERY_REFUSED_RATE',
  'QUERY_REFUSED_CONCURRENCY',
  'ROLE_CHECK_FAILED',
]);
export type AuditEventType = z.infer<typeof AuditEventType>;

/** Where the action came from (seed 002 AuditSource). */
export const AuditSource = z.enum(['API', 'CLI', 'CRON', 'SYSTEM']);
export type AuditSource = z.infer<typeof AuditSource>;

export const AuditSeverity = z.enum(['INFO', 'WARN', 'ERROR']);
export type AuditSeverity = z.infer<typeof AuditSeverity>;

/** Tenant of records about callers no tenant can be named for (a key that matches no record). */
export const SYSTEM_TENANT = '_system';

export const AuditEnvelope = z.object({
  schemaVersion: z.literal(AUDIT_ENVELOPE_VERSION),
  kind: z.literal('audit'),
  eventId: NonEmpty,
  idempotencyKey: NonEmpty,
  tenantId: NonEmpty,
  eventType: AuditEventType,
  source: AuditSource,
  severity: AuditSeverity,
  serviceName: NonEmpty,
  environment: z.string().optional(),
  /** One request or command run: every record it writes shares it (seed: conversation_id, a UUID). */
  conversationId: z.uuid(),
  traceId: NonEmpty,
  /** What the action was about: key id, connector id, identity id, chain id … (seed: business_keys). */
  businessKeys: z.record(z.string(), z.string()),
  /** Details (seed: extra_map): the reason, the limit, the role needed … */
  extra: JsonObject,
  occurredAt: DateTime,
});
export type AuditEnvelope = z.infer<typeof AuditEnvelope>;

/** Who and where: one per API request or CLI command run. */
export interface AuditOrigin {
  source: AuditSource;
  serviceName: string;
  conversationId: string;
  traceId: string;
  environment?: string;
}

export function newAuditOrigin(source: AuditSource, serviceName: string, traceId?: string): AuditOrigin {
  return {
    source,
    serviceName,
    conversationId: randomUUID(),
    traceId: traceId ?? randomBytes(16).toString('hex'),
    ...(process.env.AUTHGRAPH_ENVIRONMENT ? { environment: process.env.AUTHGRAPH_ENVIRONMENT } : {}),
  };
}

/** The trace id of a W3C traceparent header, when the caller sent a valid one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim()) : null;
  return match && !/^0+$/.test(match[1]!) ? match[1] : undefined;
}

export interface AuditAction {
  tenantId: string;
  eventType: AuditEventType;
  severity: AuditSeverity;
  businessKeys?: Record<string, string>;
  extra?: JsonObject;
  occurredAt?: string;
}

/**
 * The envelope for one action. Its identity (event type, source, tenant, conversation, trace,
 * business keys) is hashed into the idempotency key, as seed 002 does when none is given: the same
 * action recorded twice (a retry) is one record.
 */
export function auditEnvelope(origin: AuditOrigin, action: AuditAction): AuditEnvelope {
  const businessKeys = redactSecrets(action.businessKeys ?? {});
  const identity = [action.eventType, origin.source, action.tenantId, origin.conversationId, origin.traceId, canonicalJson(businessKeys)].join('|');
  const idempotencyKey = `aud_${shortHash(identity, 32)}`;
  const envelope = AuditEnvelope.parse({
    schemaVersion: AUDIT_ENVELOPE_VERSION,
    kind: 'audit',
    eventId: `audit_${shortHash(idempotencyKey, 32)}`,
    idempotencyKey,
    tenantId: action.tenantId,
    eventType: action.eventType,
    source: origin.source,
    severity: action.severity,
    serviceName: origin.serviceName,
    ...(origin.environment ? { environment: origin.environment } : {}),
    conversationId: origin.conversationId,
    traceId: origin.traceId,
    businessKeys,
    extra: redactSecrets(action.extra ?? {}),
    occurredAt: action.occurredAt ?? new Date().toISOString(),
  });
  const leaks = findSecrets(envelope);
  if (leaks.length) throw new Error(`audit record would carry secrets at ${leaks.map((l) => l.path.join('.')).join(', ')}`);
  return envelope;
}

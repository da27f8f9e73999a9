import type { AuditEnvelope } from '../../audit/audit-envelope.ts';
import { AuditRecordsArgs, parseArgs } from '../inputs.ts';
import { connection, decodeCursor, encodeCursor } from '../pagination.ts';
import type { Resolver, ResolverMap } from './types.ts';

// The tenant's own audit trail (admins only, by @requires in the schema), read from the outbox
// rows it was published from: newest first, a cursor naming the last record's (time, id).
const auditRecords: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(AuditRecordsArgs, args, 'auditRecords');
  const after = a.after ? decodeCursor('audit', a.after) : undefined;
  const records = await ctx.scope.analyse((_storage, tenantId) =>
    ctx.audit.list(tenantId, { limit: a.first + 1, ...(after ? { before: { occurredAt: after[0]!, eventId: after[1]! } } : {}) }),
  );
  const page = records.slice(0, a.first);
  return connection(
    page.map((r) => ({ cursor: encodeCursor('audit', [r.occurredAt, r.eventId]), node: r })),
    records.length > a.first,
  );
};

export const auditResolvers: ResolverMap = {
  Query: { auditRecords },
  AuditRecord: { id: (r: AuditEnvelope) => r.eventId },
};

import type { ApolloServerPlugin } from '@apollo/server';
import type { AuditEventType } from '../audit/audit-envelope.ts';
import type { ApiContext } from './context.ts';

/** Refusals worth an audit record, by the public code the caller gets. */
const REFUSALS: Partial<Record<string, AuditEventType>> = {
  QUERY_TOO_COMPLEX: 'QUERY_REFUSED_COST',
  RATE_LIMITED: 'QUERY_REFUSED_CONCURRENCY',
  FORBIDDEN: 'ROLE_CHECK_FAILED',
};

/**
 * Writes an audit record when a request is refused for its cost, its concurrency or a role check
 * (rate-limit refusals happen before GraphQL, in server.ts; refused keys in the context function).
 * One record per request and kind, whatever the number of errors.
 */
export function auditRefusalsPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const ctx = contextValue as Partial<ApiContext>;
          if (!ctx.note || !ctx.principal) return;
          const seen = new Set<AuditEventType>();
          for (const error of errors) {
            const code = (error.originalError as { extensions?: { code?: unknown } } | undefined)?.extensions?.code ?? error.extensions.code;
            const eventType = typeof code === 'string' ? REFUSALS[code] : undefined;
            if (!eventType || seen.has(eventType)) continue;
            seen.add(eventType);
            await ctx.note({
              tenantId: ctx.principal.tenantId,
              eventType,
              severity: 'WARN',
              businessKeys: { keyId: ctx.principal.keyId, role: ctx.principal.role, ...(operationName ? { operationName } : {}) },
              extra: { message: error.message, ...(error.path ? { path: error.path.join('.') } : {}) },
            });
          }
        },
      };
    },
  };
}

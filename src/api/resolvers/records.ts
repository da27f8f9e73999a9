import { EventQuery } from '../../model/index.ts';
import type { GraphEvent, SyncState } from '../../model/index.ts';
import { decodeEventCursor, encodeEventCursor, positionOf } from '../../storage/event-order.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badInput, notFound } from '../errors.ts';
import { SyncAlreadyRunningError } from '../sync-launcher.ts';
import type { SyncRun } from '../sync-launcher.ts';
import { ConnectorArgs, EventsArgs, SyncsArgs, TriggerSyncArgs, parseArgs } from '../inputs.ts';
import { connection } from '../pagination.ts';
import type { Resolver, ResolverMap } from './types.ts';

// Events, sync records, connectors and evidence completeness: what the tenant's syncs recorded.

const COMPLETE = new Set(['available', 'unavailable_not_applicable']);
/** How many sync records to scan for connectors and for the latest completeness report. */
export const SYNC_SCAN = 10_000;

interface Completeness {
  connectorId: string;
  syncId: string;
  reportedAt: string;
  complete: boolean;
  sources: { key: string; sourceTable: string; status: string }[];
}

export function completenessOf(state: SyncState): Completeness | null {
  const report = state.evidenceCompleteness;
  if (!report) return null;
  const sources = Object.entries(report.sources)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, source]) => ({ key, ...source }));
  return {
    connectorId: state.connectorId,
    syncId: state.syncId,
    reportedAt: state.completedAt ?? state.startedAt,
    complete: sources.every((s) => COMPLETE.has(s.status)),
    sources,
  };
}

const evidenceCompleteness: Resolver<unknown> = async (_parent, args, ctx) => {
  const { connectorId } = parseArgs(ConnectorArgs, args, 'evidenceCompleteness');
  // The latest sync that carried a report (a failed sync may not have one).
  const states = await ctx.scope.listSyncStates({ connectorId, limit: 100 });
  const report = states.map(completenessOf).find((c) => c !== null);
  if (!report) throw notFound(`evidence completeness for connector ${connectorId}`);
  return report;
};

const events: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(EventsArgs, args, 'events');
  if (a.after !== undefined) {
    try {
      decodeEventCursor(a.after);
    } catch {
      throw badInput('invalid cursor: pass an endCursor or edge cursor from this query');
    }
  }
  // The storage query is the seed's EventQuery (src/model), checked as such before it is run.
  const query = parseArgs(EventQuery, { ...a.filter, limit: a.first, ...(a.after ? { after: a.after } : {}) }, 'events');
  const page = await ctx.scope.queryEventPage(query);
  return connection(
    page.events.map((e) => ({ cursor: encodeEventCursor(positionOf(e)), node: e })),
    page.nextCursor !== undefined,
  );
};

const syncs: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(SyncsArgs, args, 'syncs');
  return ctx.scope.listSyncStates({ ...(a.connectorId ? { connectorId: a.connectorId } : {}), limit: a.first });
};

// The tenant's connector instances: those this server was configured to sync (their type comes
// from the connector registry through the config) and those its sync records name.
const connectors: Resolver<unknown> = async (_parent, _args, ctx) => {
  const states = await ctx.scope.listSyncStates({ limit: SYNC_SCAN });
  const byConnector = new Map<string, SyncState[]>();
  for (const s of states) byConnector.set(s.connectorId, [...(byConnector.get(s.connectorId) ?? []), s]);
  const configured = new Map((ctx.syncs?.configured(ctx.principal.tenantId) ?? []).map((c) => [c.connectorId, c]));
  return [...new Set([...byConnector.keys(), ...configured.keys()])]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((id) => {
      const list = byConnector.get(id) ?? [];
      return {
        id,
        sourceSystem: configured.get(id)?.sourceSystem ?? null,
        configured: configured.has(id),
        syncCount: list.length,
        lastSync: list[0] ?? null,
        evidenceCompleteness: list.map(completenessOf).find((c) => c !== null) ?? null,
      };
    });
};

const triggerSync: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(TriggerSyncArgs, args, 'triggerSync');
  // The tenant is the key's: an instance of another tenant is as absent as one never configured.
  let run: SyncRun | null | undefined;
  const keys = { keyId: ctx.principal.keyId, connectorId: a.connectorId, mode: a.mode };
  const refused = (reason: string) => ctx.note({ tenantId: ctx.principal.tenantId, eventType: 'SYNC_TRIGGER_REFUSED', severity: 'WARN', businessKeys: keys, extra: { reason } });
  try {
    run = await ctx.syncs?.start(ctx.principal.tenantId, a.connectorId, a.mode);
  } catch (error) {
    if (error instanceof SyncAlreadyRunningError) {
      await refused(error.message);
      throw new ApiError('CONFLICT', error.message);
    }
    throw error;
  }
  if (!run) {
    await refused('no such connector instance on this server');
    throw notFound(`connector instance ${a.connectorId} (this server syncs only the instances it was started with)`);
  }
  await ctx.note({ tenantId: ctx.principal.tenantId, eventType: 'SYNC_TRIGGERED', severity: 'INFO', businessKeys: { ...keys, runId: run.runId }, extra: { startedAt: run.startedAt } });
  return run;
};

export const recordResolvers: ResolverMap = {
  Query: { evidenceCompleteness, events, syncs, connectors },
  Mutation: { triggerSync },
  GraphEvent: {
    id: (e: GraphEvent) => e.eventId,
    entity: (e: GraphEvent, _args: unknown, ctx: ApiContext) => ctx.loaders.node.load(e.entityId),
  },
};

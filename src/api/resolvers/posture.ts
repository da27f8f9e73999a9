import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { graphql } from '../graphql.ts';
import { calledOnlyStarts } from '../../analysis/entry-points.ts';
import { CHAIN_KINDS, ChainKind, DateTime, MAX_POSTURE_TOP, OWNERSHIP_STATES } from '../../model/index.ts';
import type { NormalizedNode, PostureCounts, PostureEntry, SyncState } from '../../model/index.ts';
import type { ApiContext } from '../context.ts';
import { AsOf, parseArgs } from '../inputs.ts';
import { resolveApiAsOf } from './as-of.ts';
import { SYNC_SCAN, completenessOf } from './records.ts';
import type { Resolver, ResolverMap } from './types.ts';

// Query.posture: the dashboard's numbers. The store counts (StorageAdapter.postureCounts); this
// adds the connectors' last syncs from the sync records and the listed nodes as they stood then.

const PostureArgs = z.object({
  asOf: AsOf.nullish(),
  expiringWithinDays: z.number().int().min(0).max(3_650).default(30),
  top: z.number().int().min(0).max(MAX_POSTURE_TOP).default(10),
});

const ChainsByKindArgs = z.object({ kinds: z.array(ChainKind).min(1).optional() });

const DAY_MS = 86_400_000;
const TIMELINE = 50;
const { Kind } = graphql;

/** When a sync's data is valid from (resolveAsOf's rule), so "the last sync at t" matches reads at t. */
const validFrom = (s: SyncState) => new Date(s.validAt ?? s.completedAt ?? s.startedAt).toISOString();

interface PostureParent {
  at: string;
  asOfSyncId: string | null;
  expiringWithinDays: number;
  /** Computed on first use: a request for the timeline alone costs no chain count. */
  counts: () => Promise<PostureCounts>;
  listed: () => Promise<Map<string, NormalizedNode>>;
  states: () => Promise<SyncState[]>;
}

/** Posture fields answered without the store's count. */
const WITHOUT_COUNTS = new Set(['__typename', 'at', 'asOfSyncId', 'expiringWithinDays', 'connectors', 'timeline']);

/** Whether the request selects a field that needs the count (a fragment is taken to). */
const asksForCounts = (info: GraphQLResolveInfo) =>
  info.fieldNodes.some((f) => f.selectionSet?.selections.some((s) => s.kind !== Kind.FIELD || !WITHOUT_COUNTS.has(s.name.value)));

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

const posture: Resolver<unknown> = async (_parent, args, ctx: ApiContext, info): Promise<PostureParent> => {
  const a = parseArgs(PostureArgs, args, 'posture');
  const asOf = await resolveApiAsOf(ctx, a.asOf);
  // Now is taken to the minute, so the same dashboard opened twice in a minute is one computation
  // (tenant-scope.ts shared: kept while the tenant's data is unchanged).
  const at = asOf ?? new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const read = asOf ? { asOf } : undefined;
  const query = { calledOnly: calledOnlyStarts(), now: at, expiringBefore: new Date(Date.parse(at) + a.expiringWithinDays * DAY_MS).toISOString(), top: a.top };
  const key = `posture ${asOf ?? ''} ${query.now} ${query.expiringBefore} ${query.top}`;
  const counts = once(() => ctx.scope.shared(key, (storage, tenantId) => storage.postureCounts(tenantId, query, read)));
  // The listed nodes as they stood then, in one read.
  const listed = once(async () => {
    const c = await counts();
    const ids = [...new Set([c.privilegedReachable, c.credentialsExpired, c.credentialsExpiring].flatMap((l) => l.top.map((e) => e.nodeId)))];
    const nodes = new Map<string, NormalizedNode>();
    if (ids.length) for (const n of await ctx.scope.analyse((storage, tenantId) => storage.getNodes(tenantId, ids, read))) if (n) nodes.set(n.nodeId, n);
    return nodes;
  });
  // Newest first; as of a moment, only the syncs whose data was in by then.
  const states = once(async () => (await ctx.scope.listSyncStates({ limit: SYNC_SCAN })).filter((s) => !asOf || validFrom(s) <= asOf));
  // The store's count is this field's heavy work: done here, under the heavy-query cap that wraps
  // Query.posture (resolvers/index.ts), not later in the child fields, which the cap does not see.
  if (asksForCounts(info)) await counts();
  return { at, asOfSyncId: a.asOf && !DateTime.safeParse(a.asOf).success ? a.asOf : null, expiringWithinDays: a.expiringWithinDays, counts, listed, states };
};

const list = (key: 'privilegedReachable' | 'credentialsExpired' | 'credentialsExpiring') => async (p: PostureParent) => {
  const [c, nodes] = await Promise.all([p.counts(), p.listed()]);
  const l = c[key];
  return { count: l.count, top: l.top.map((e: PostureEntry) => ({ ...e, node: nodes.get(e.nodeId) ?? null })) };
};

export const postureResolvers: ResolverMap = {
  Query: { posture },
  Posture: {
    identitiesByOwnership: async (p: PostureParent) => {
      const c = await p.counts();
      return OWNERSHIP_STATES.map((state) => ({ state, count: c.identitiesByOwnership[state] }));
    },
    chainsByKind: async (p: PostureParent, args: Record<string, unknown>) => {
      const { kinds } = parseArgs(ChainsByKindArgs, args, 'chainsByKind');
      const wanted = CHAIN_KINDS.filter((k) => !kinds || kinds.includes(k));
      // Every kind counted by the store, as the chain analysis defines it (posture-walk.ts).
      const count = (await p.counts()).chainsByKind;
      return wanted.map((kind) => ({ kind, count: count[kind] }));
    },
    privilegedReachable: list('privilegedReachable'),
    credentialsExpired: list('credentialsExpired'),
    credentialsExpiring: list('credentialsExpiring'),
    connectors: async (p: PostureParent) => {
      const byConnector = new Map<string, SyncState[]>();
      for (const s of await p.states()) byConnector.set(s.connectorId, [...(byConnector.get(s.connectorId) ?? []), s]);
      return [...byConnector.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([connectorId, l]) => ({ connectorId, lastSync: l[0] ?? null, evidenceCompleteness: l.map(completenessOf).find((c) => c !== null) ?? null }));
    },
    timeline: async (p: PostureParent) =>
      [...(await p.states())]
        .sort((x, y) => (validFrom(y) < validFrom(x) ? -1 : validFrom(y) > validFrom(x) ? 1 : 0))
        .slice(0, TIMELINE)
        .map((s) => ({ ...s, validAt: validFrom(s) })),
  },
};

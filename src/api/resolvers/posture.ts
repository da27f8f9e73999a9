import { z } from 'zod';
import { CHAIN_VERDICT_KINDS, DateTime, MAX_POSTURE_TOP, OWNERSHIP_STATES } from '../../model/index.ts';
import type { NormalizedNode, PostureEntry, SyncState } from '../../model/index.ts';
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

const DAY_MS = 86_400_000;
const TIMELINE = 50;

/** When a sync's data is valid from (resolveAsOf's rule), so "the last sync at t" matches reads at t. */
const validFrom = (s: SyncState) => new Date(s.validAt ?? s.completedAt ?? s.startedAt).toISOString();

const posture: Resolver<unknown> = async (_parent, args, ctx: ApiContext) => {
  const a = parseArgs(PostureArgs, args, 'posture');
  const asOf = await resolveApiAsOf(ctx, a.asOf);
  const at = asOf ?? new Date().toISOString();
  const query = { now: at, expiringBefore: new Date(Date.parse(at) + a.expiringWithinDays * DAY_MS).toISOString(), top: a.top };
  const [counts, states] = await Promise.all([
    ctx.scope.analyse((storage, tenantId) => storage.postureCounts(tenantId, query, asOf ? { asOf } : undefined)),
    ctx.scope.listSyncStates({ limit: SYNC_SCAN }),
  ]);
  const lists = [counts.privilegedReachable, counts.credentialsExpired, counts.credentialsExpiring];
  const ids = [...new Set(lists.flatMap((l) => l.top.map((e) => e.nodeId)))];
  const nodes = new Map<string, NormalizedNode>();
  if (ids.length) {
    const found = await ctx.scope.analyse((storage, tenantId) => storage.getNodes(tenantId, ids, asOf ? { asOf } : undefined));
    for (const n of found) if (n) nodes.set(n.nodeId, n);
  }
  const withNodes = (l: { count: number; top: PostureEntry[] }) => ({ count: l.count, top: l.top.map((e) => ({ ...e, node: nodes.get(e.nodeId) ?? null })) });

  // Newest first already (listSyncStates); as of a moment, only the syncs whose data was in by then.
  const byConnector = new Map<string, SyncState[]>();
  for (const s of states) {
    if (asOf && validFrom(s) > asOf) continue;
    byConnector.set(s.connectorId, [...(byConnector.get(s.connectorId) ?? []), s]);
  }
  const connectors = [...byConnector.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([connectorId, list]) => ({ connectorId, lastSync: list[0] ?? null, evidenceCompleteness: list.map(completenessOf).find((c) => c !== null) ?? null }));

  return {
    at,
    asOfSyncId: a.asOf && !DateTime.safeParse(a.asOf).success ? a.asOf : null,
    expiringWithinDays: a.expiringWithinDays,
    identitiesByOwnership: OWNERSHIP_STATES.map((state) => ({ state, count: counts.identitiesByOwnership[state] })),
    chainsByKind: CHAIN_VERDICT_KINDS.map((kind) => ({ kind, count: counts.chainsByKind[kind] })),
    privilegedReachable: withNodes(counts.privilegedReachable),
    credentialsExpired: withNodes(counts.credentialsExpired),
    credentialsExpiring: withNodes(counts.credentialsExpiring),
    connectors,
    timeline: states
      .filter((s) => !asOf || validFrom(s) <= asOf)
      .sort((x, y) => (validFrom(y) < validFrom(x) ? -1 : validFrom(y) > validFrom(x) ? 1 : 0))
      .slice(0, TIMELINE)
      .map((s) => ({ ...s, validAt: validFrom(s) })),
  };
};

export const postureResolvers: ResolverMap = { Query: { posture } };

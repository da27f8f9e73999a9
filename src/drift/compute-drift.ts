import { CHAIN_EDGE_TYPES, chainId } from '../analysis/execution-chains.ts';
import { ownershipOf } from '../analysis/ownership-report.ts';
import { inactiveReason } from '../resolve/ownership.ts';
import type { DriftFinding, DriftReport, ExecutionPath, GraphEvent, JsonValue, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { checkpoint } from '../runtime/cooperative.ts';
import { resolveAsOf } from '../storage/as-of.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import type { PartialPath } from '../analysis/partial-chains.ts';
import { EXECUTION_CHAINS, STOPS_AT_CONNECTION, STOPS_AT_CREDENTIAL } from './chain-families.ts';
import { chainChanges, diffPathsThroughChanges } from './changed-paths.ts';
import { DriftContext, chainSummary } from './drift-context.ts';
import { findingId } from './finding-id.ts';

export interface DriftOptions {
  /** Start of the window: an ISO time or a sync id (exclusive). */
  since: string;
  /** End of the window: an ISO time or a sync id (inclusive); default now. */
  until?: string;
  /** credential_expiring looks this many days past the window's end (default 30). */
  expiringWithinDays?: number;
}

const DAY_MS = 86_400_000;
const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
const SCOPE_EDGES = new Set(['HAS_ROLE', 'GRANTS', 'MEMBER_OF']);
const CHAIN_EDGES = new Set<string>(CHAIN_EDGE_TYPES);
const ms = (iso: string) => Date.parse(iso);

/**
 * Typed findings between two moments, computed from the stored events of the window and the
 * subgraph they touch (read as of both ends), so the cost follows the size of the change: chains
 * are compared only where they run through a changed edge or node (changed-paths.ts).
 * Credential expiry is the one time-driven check: it reads the tenant's credentials, a small type.
 */
export function computeDrift(storage: StorageAdapter, tenantId: string, options: DriftOptions): Promise<DriftReport> {
  return driftWith(storage, tenantId, options, chainsThroughChanges);
}

/** The chains (to identities, and partial ones that stop short) reported at one end of the window and not at the other. */
export interface ChainDiffs {
  chains: { added: ExecutionPath[]; removed: ExecutionPath[] };
  partials: { added: PartialPath[]; removed: PartialPath[] };
  /** Identities whose chains were looked at. */
  identities: number;
}

/** How a drift computation finds the chains that changed: from the changes alone, or by recomputing all (drift-from-scratch.ts). */
export type ChainDiffer = (ctx: DriftContext, events: readonly GraphEvent[]) => Promise<ChainDiffs>;

/** Drift with a given way of finding changed chains; every other finding is derived the same way. */
export async function driftWith(storage: StorageAdapter, tenantId: string, options: DriftOptions, differ: ChainDiffer): Promise<DriftReport> {
  const since = (await resolveAsOf(storage, tenantId, options.since))!;
  const until = (await resolveAsOf(storage, tenantId, options.until)) ?? new Date().toISOString();
  if (ms(until) < ms(since)) throw new RangeError(`drift window ends (${until}) before it starts (${since})`);
  const ctx = new DriftContext(storage, tenantId, since, until);
  const events = await eventsIn(storage, tenantId, since, until);
  const findings: DriftFinding[] = [];
  const push = (f: Omit<DriftFinding, 'tenantId'>) => findings.push({ tenantId, ...f });

  // The window's events are indexed by entity once: every later question ("what happened to this
  // node?") is a lookup, so the cost follows the change, not subjects × events.
  const index = indexEvents(events);
  const touched = new Set<string>([...index.bySubject.keys(), ...index.byTarget.keys()]);
  const diffs = await differ(ctx, events);
  chainFindings(ctx, index, diffs.chains);
  partialFindings(ctx, index, diffs.partials);
  await scopeExpansions(ctx, events, push);
  await ownershipChanges(ctx, events, index, push);
  await credentialFindings(ctx, events, options.expiringWithinDays ?? 30, push);
  crossSystemLinks(events, tenantId, push);

  // Stable order: by time, type, severity (worst first), subject; the id breaks the last ties.
  findings.sort(
    (a, b) =>
      ms(a.observedAt) - ms(b.observedAt) ||
      a.type.localeCompare(b.type) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.entityIds.join('\u0000').localeCompare(b.entityIds.join('\u0000')) ||
      a.findingId.localeCompare(b.findingId),
  );
  return {
    tenantId,
    since,
    until,
    findings,
    examined: { events: events.length, entities: touched.size, identities: diffs.identities, credentials: ctx.credentialsExamined },
  };

  function chainFindings(ctx: DriftContext, index: EventIndex, diff: ChainDiffs['chains']): void {
    /** The window's events about this chain: on one of its nodes, and (for an edge) to another. */
    const causeOf = (c: ExecutionPath): string[] => {
      const onChain = new Set(c.nodes.map((n) => n.nodeId));
      return c.nodes.flatMap((n) => index.about(n.nodeId)).filter((e) => !e.targetEntityId || onChain.has(e.targetEntityId)).map((e) => e.eventId);
    };
    for (const c of diff.added) {
      const cause = causeOf(c);
      push({ findingId: findingId(tenantId, 'chain_added', [chainId(c), ...cause]), type: 'chain_added', severity: 'high', summary: `new execution chain: ${chainSummary(c).hops.join(' → ')}`, entityIds: c.nodes.map((n) => n.nodeId), chainIds: [chainId(c)], eventIds: cause, before: null, after: chainSummary(c), observedAt: ctx.until });
    }
    for (const c of diff.removed) {
      const cause = causeOf(c);
      push({ findingId: findingId(tenantId, 'chain_removed', [chainId(c), ...cause]), type: 'chain_removed', severity: 'low', summary: `execution chain gone: ${chainSummary(c).hops.join(' → ')}`, entityIds: c.nodes.map((n) => n.nodeId), chainIds: [chainId(c)], eventIds: cause, before: chainSummary(c), after: null, observedAt: ctx.until });
    }
  }

  /** Partial chains (ending at a connection or credential with nothing to follow) that appeared or went. */
  function partialFindings(ctx: DriftContext, index: EventIndex, diff: ChainDiffs['partials']): void {
    /** The window's events about this chain: on one of its nodes, and (for an edge) to another, or the hop leaving its stop. */
    const eventsOn = (c: ExecutionPath, stopNodeId: string) => {
      const onChain = new Set(c.nodes.map((n) => n.nodeId));
      return c.nodes
        .flatMap((n) => index.about(n.nodeId))
        .filter((e) => !e.targetEntityId || onChain.has(e.targetEntityId) || e.entityId === stopNodeId)
        .map((e) => e.eventId);
    };
    for (const p of diff.added) {
      const cause = eventsOn(p.path, p.stop.nodeId);
      push({
        findingId: findingId(ctx.tenantId, 'partial_chain_added', [chainId(p.path), ...cause]),
        type: 'partial_chain_added',
        severity: 'medium',
        summary: `new partial chain, ${p.stop.reason}: ${chainSummary(p.path).hops.join(' → ')} — ${p.stop.detail}`,
        entityIds: p.path.nodes.map((n) => n.nodeId),
        chainIds: [chainId(p.path)],
        eventIds: cause,
        before: null,
        after: { ...chainSummary(p.path), stop: p.stop as unknown as JsonValue },
        observedAt: ctx.until,
      });
    }
    for (const p of diff.removed) {
      const cause = eventsOn(p.path, p.stop.nodeId);
      push({
        findingId: findingId(ctx.tenantId, 'partial_chain_removed', [chainId(p.path), ...cause]),
        type: 'partial_chain_removed',
        severity: 'low',
        summary: `partial chain gone (was ${p.stop.reason}): ${chainSummary(p.path).hops.join(' → ')}`,
        entityIds: p.path.nodes.map((n) => n.nodeId),
        chainIds: [chainId(p.path)],
        eventIds: cause,
        before: { ...chainSummary(p.path), stop: p.stop as unknown as JsonValue },
        after: null,
        observedAt: ctx.until,
      });
    }
  }
}

/** The incremental differ: the paths through the window's changes, judged at both ends. */
const chainsThroughChanges: ChainDiffer = async (ctx, events) => {
  const changes = await chainChanges(ctx, events, CHAIN_EDGES);
  const chains = await diffPathsThroughChanges(ctx, EXECUTION_CHAINS, changes);
  const partials: ChainDiffs['partials'] = { added: [], removed: [] };
  for (const family of [STOPS_AT_CONNECTION, STOPS_AT_CREDENTIAL]) {
    const diff = await diffPathsThroughChanges(ctx, family, changes);
    for (const path of diff.added) partials.added.push({ path, stop: (await ctx.stopAt(path.endNode, ctx.until))! });
    for (const path of diff.removed) partials.removed.push({ path, stop: (await ctx.stopAt(path.endNode, ctx.since))! });
  }
  return { chains, partials, identities: chains.identities };
};

const EVENT_PAGE = 250;

async function eventsIn(storage: StorageAdapter, tenantId: string, since: string, until: string): Promise<GraphEvent[]> {
  const out: GraphEvent[] = [];
  let after: string | undefined;
  do {
    await checkpoint();
    // Pages of 250: each page is one synchronous read on the embedded store (≈30 ms for 1,000 on
    // this machine kind, which held /healthz past 100 ms), so it is kept short.
    const page = await storage.queryEventPage(tenantId, { since, until, limit: EVENT_PAGE, ...(after ? { after } : {}) });
    for (const e of page.events) if (ms(e.timestamp) > ms(since)) out.push(e);
    after = page.nextCursor;
  } while (after);
  return out;
}

type Push = (f: Omit<DriftFinding, 'tenantId'>) => void;

/** The window's events by the entity they are about, and by the entity an edge event points to. */
export interface EventIndex {
  bySubject: Map<string, GraphEvent[]>;
  byTarget: Map<string, GraphEvent[]>;
  /** Events whose subject is this entity, in window order. */
  about(entityId: string): readonly GraphEvent[];
}

export function indexEvents(events: readonly GraphEvent[]): EventIndex {
  const bySubject = new Map<string, GraphEvent[]>();
  const byTarget = new Map<string, GraphEvent[]>();
  const add = (map: Map<string, GraphEvent[]>, id: string, e: GraphEvent) => {
    const list = map.get(id);
    if (list) list.push(e);
    else map.set(id, [e]);
  };
  for (const e of events) {
    add(bySubject, e.entityId, e);
    if (e.targetEntityId) add(byTarget, e.targetEntityId, e);
  }
  return { bySubject, byTarget, about: (id) => bySubject.get(id) ?? [] };
}

/** Events about any of these entities, each once, in window order. */
function eventsAbout(index: EventIndex, ids: Iterable<string>, order: Map<GraphEvent, number>): GraphEvent[] {
  const found = new Set<GraphEvent>();
  for (const id of ids) for (const e of index.about(id)) found.add(e);
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** An identity on a live chain gained a role or permission, and no approval followed. */
async function scopeExpansions(ctx: DriftContext, events: GraphEvent[], push: Push): Promise<void> {
  const grants = events.filter(
    (e) =>
      e.entityType === 'identity' &&
      ((e.eventType === 'relationship_added' && e.relationshipType && SCOPE_EDGES.has(e.relationshipType)) || e.eventType === 'role_assigned' || e.eventType === 'permission_granted'),
  );
  for (const e of grants) {
    await checkpoint();
    const chains = await ctx.chainsTo(e.entityId, ctx.until);
    if (!chains.length) continue;
    const edge = e.afterState as unknown as NormalizedEdge | null;
    const grantedAt = edge?.since ?? e.timestamp;
    const approvals = (await ctx.storage.getEdgesForNode(ctx.tenantId, e.entityId, 'outgoing', { asOf: ctx.until })).filter((a) => a.edgeType === 'APPROVED_BY');
    const approved = approvals.some((a) => {
      const when = (a.properties.createdAt as string | undefined) ?? a.since;
      const covers = a.properties.approvedNodeIds;
      return (!when || ms(when) >= ms(grantedAt)) && (!Array.isArray(covers) || (e.targetEntityId !== undefined && covers.includes(e.targetEntityId)));
    });
    if (approved) continue;
    const target = e.targetEntityId ? await ctx.node(e.targetEntityId, ctx.until) : null;
    const privileged = isPowerful(target);
    const identity = await ctx.node(e.entityId, ctx.until);
    push({
      findingId: findingId(ctx.tenantId, 'scope_expanded', [e.entityId, e.targetEntityId ?? '', e.eventId]),
      type: 'scope_expanded',
      severity: privileged ? 'critical' : 'medium',
      summary: `${identity?.displayName ?? e.entityId} gained ${target?.displayName ?? e.targetEntityId ?? 'a grant'} with no re-approval, and runs ${chains.length} execution chain(s)`,
      entityIds: [e.entityId, ...(e.targetEntityId ? [e.targetEntityId] : [])],
      chainIds: chains.map(chainId),
      eventIds: [e.eventId],
      before: null,
      after: { grant: target?.displayName ?? e.targetEntityId ?? null, relationship: e.relationshipType ?? e.eventType, privileged, grantedAt, grantedBy: (edge?.properties.grantedBy as string | undefined) ?? null, approved: false },
      observedAt: e.timestamp,
    });
  }
}

function isPowerful(node: NormalizedNode | null): boolean {
  if (!node) return false;
  if (node.nodeType === 'role') return node.properties.isPrivileged;
  if (node.nodeType === 'permission') return node.properties.normalizedAction === 'admin' || node.properties.normalizedAction === 'delegate';
  return false;
}

/** Owner edges that changed, and subjects whose ownership fell to orphaned (an owner left). */
async function ownershipChanges(ctx: DriftContext, events: GraphEvent[], index: EventIndex, push: Push): Promise<void> {
  const order = new Map(events.map((e, i) => [e, i]));
  const ownerEvents = events.filter((e) => e.relationshipType === 'OWNED_BY' || e.eventType === 'owner_assigned' || e.eventType === 'owner_removed');
  const subjects = new Set(ownerEvents.map((e) => e.entityId));
  // People whose standing changed: everything they own (or approved) is a subject too. A person
  // whose change leaves their standing as an owner alike at both ends (a rename, a new title)
  // cannot move any verdict, and a prolific owner would otherwise bring hundreds of subjects.
  const people = new Set(events.filter((x) => x.entityType === 'human_identity' && x.eventType !== 'relationship_added' && x.eventType !== 'relationship_removed').map((x) => x.entityId));
  for (const person of [...people].sort()) {
    await checkpoint();
    if (ownerStanding(await ctx.node(person, ctx.since), ctx.since) === ownerStanding(await ctx.node(person, ctx.until), ctx.until)) continue;
    for (const asOf of [ctx.since, ctx.until]) {
      for (const edge of await ctx.edges(person, 'incoming', asOf)) {
        if (edge.edgeType === 'OWNED_BY' || edge.edgeType === 'APPROVED_BY') subjects.add(edge.sourceNodeId);
      }
    }
  }
  const ownerEventSubjects = new Set(ownerEvents.map((e) => e.entityId));
  for (const subject of [...subjects].sort()) {
    await checkpoint();
    const before = await ownershipOf(ctx.reads, ctx.tenantId, subject, ctx.since);
    const after = await ownershipOf(ctx.reads, ctx.tenantId, subject, ctx.until);
    // The subject's chains colour a finding; most subjects make none, so they are read only then.
    const chainsNow = () => ctx.chainsOf(subject, ctx.until);
    const cause = eventsAbout(index, [subject, ...(after?.owners ?? []).map((o) => o.nodeId), ...(before?.owners ?? []).map((o) => o.nodeId)], order).map((e) => e.eventId);
    const owners = (r: typeof before) => (r ? r.owners.filter((o) => o.via === 'OWNED_BY').map((o) => ({ nodeId: o.nodeId, name: o.displayName, active: o.active })) : []);
    const ownerIds = (r: typeof before) => owners(r).map((o) => o.nodeId).sort().join(',');
    if (ownerEventSubjects.has(subject) && ownerIds(before) !== ownerIds(after)) {
      const chains = await chainsNow();
      push({
        findingId: findingId(ctx.tenantId, 'owner_changed', [subject, ...cause]),
        type: 'owner_changed',
        severity: chains.length ? 'medium' : 'low',
        summary: `owners of ${after?.node.displayName ?? subject} changed: ${owners(before).map((o) => o.name).join(', ') || 'none'} → ${owners(after).map((o) => o.name).join(', ') || 'none'}`,
        entityIds: [subject],
        chainIds: chains.map(chainId),
        eventIds: cause,
        before: owners(before) as JsonValue,
        after: owners(after) as JsonValue,
        observedAt: ctx.until,
      });
    }
    if (after?.state === 'orphaned' && before?.state !== 'orphaned') {
      const chains = await chainsNow();
      push({
        findingId: findingId(ctx.tenantId, 'became_orphaned', [subject, ...cause]),
        type: 'became_orphaned',
        severity: after.node.nodeType === 'identity' && chains.length ? 'high' : 'medium',
        summary: `${after.node.displayName} became orphaned: ${after.owners.filter((o) => !o.active).map((o) => `${o.displayName} (${o.inactiveReason})`).join(', ')}`,
        entityIds: [subject, ...after.owners.map((o) => o.nodeId)],
        chainIds: chains.map(chainId),
        eventIds: cause,
        before: { state: before?.state ?? null },
        after: { state: after.state, owners: owners(after) as JsonValue },
        observedAt: ctx.until,
      });
    }
  }
}

/**
 * What of a person an ownership verdict reads (resolve/ownership.ts): whether they can still answer
 * for things (and why not), the e-mail and source that tell owners apart. Their name is not among it.
 */
function ownerStanding(person: NormalizedNode | null, asOf: string): string {
  const email = person?.nodeType === 'human_identity' ? (person.properties.email?.toLowerCase() ?? '') : '';
  return [inactiveReason(person ?? undefined, asOf) ?? 'active', email, person?.sourceSystem ?? ''].join('\u0000');
}

/** New credentials, and credentials expiring soon or already expired while a live chain uses them. */
async function credentialFindings(
  ctx: DriftContext,
  events: GraphEvent[],
  withinDays: number,
  push: Push,
): Promise<void> {
  const chainsThrough = async (credential: NormalizedNode): Promise<ExecutionPath[]> => {
    const out = await ctx.storage.getEdgesForNode(ctx.tenantId, credential.nodeId, 'outgoing', { asOf: ctx.until });
    const found: ExecutionPath[] = [];
    for (const e of out.filter((x) => x.edgeType === 'AUTHENTICATES_AS')) {
      const live = await ctx.knownChainsTo(e.targetNodeId, ctx.until);
      found.push(...(live ? live.filter((c) => c.nodes.some((n) => n.nodeId === credential.nodeId)) : await ctx.chainsThroughCredential(credential.nodeId, e, ctx.until)));
    }
    return found;
  };
  for (const e of events.filter((x) => x.entityType === 'credential' && (x.eventType === 'created' || x.eventType === 'credential_created'))) {
    await checkpoint();
    const credential = await ctx.node(e.entityId, ctx.until);
    if (!credential) continue;
    const identities = (await ctx.storage.getEdgesForNode(ctx.tenantId, e.entityId, 'outgoing', { asOf: ctx.until })).filter((x) => x.edgeType === 'AUTHENTICATES_AS').map((x) => x.targetNodeId);
    push({
      findingId: findingId(ctx.tenantId, 'credential_added', [e.entityId, e.eventId]),
      type: 'credential_added',
      severity: (await anyChains(ctx, identities)) ? 'medium' : 'low',
      summary: `new credential ${credential.displayName}`,
      entityIds: [e.entityId, ...identities],
      chainIds: [],
      eventIds: [e.eventId],
      before: null,
      after: credential.nodeType === 'credential' ? { credentialSubtype: credential.properties.credentialSubtype, expiresAt: credential.properties.expiresAt ?? null } : null,
      observedAt: e.timestamp,
    });
  }
  const horizon = ms(ctx.until) + withinDays * DAY_MS;
  const credentials = await ctx.storage.getNodesByType(ctx.tenantId, 'credential', { asOf: ctx.until });
  ctx.credentialsExamined = credentials.length;
  for (const c of credentials) {
    await checkpoint();
    if (c.nodeType !== 'credential' || !c.properties.expiresAt) continue;
    const expires = ms(c.properties.expiresAt);
    if (expires > horizon) continue;
    const chains = await chainsThrough(c);
    const expired = expires <= ms(ctx.until);
    if (expired && !chains.length) continue; // expired and unused: nothing runs on it
    const type = expired ? 'credential_expired_in_use' : 'credential_expiring';
    push({
      findingId: findingId(ctx.tenantId, type, [c.nodeId, c.properties.expiresAt]),
      type,
      severity: expired ? 'high' : chains.length ? 'medium' : 'low',
      summary: expired
        ? `${c.displayName} expired on ${c.properties.expiresAt} but ${chains.length} live execution chain(s) still use it`
        : `${c.displayName} expires on ${c.properties.expiresAt}${chains.length ? `; ${chains.length} execution chain(s) use it` : ''}`,
      entityIds: [c.nodeId],
      chainIds: chains.map(chainId),
      eventIds: [],
      before: null,
      after: { expiresAt: c.properties.expiresAt, daysLeft: Math.floor((expires - ms(ctx.until)) / DAY_MS) },
      observedAt: ctx.until,
    });
  }
}

async function anyChains(ctx: DriftContext, identities: readonly string[]): Promise<boolean> {
  for (const i of identities) if ((await ctx.chainsOf(i, ctx.until)).length) return true;
  return false;
}

/** A new cross-system authentication link (AUTHENTICATES_TO). */
function crossSystemLinks(events: GraphEvent[], tenantId: string, push: Push): void {
  for (const e of events.filter((x) => x.eventType === 'relationship_added' && x.relationshipType === 'AUTHENTICATES_TO')) {
    const edge = e.afterState as unknown as NormalizedEdge;
    push({
      findingId: findingId(tenantId, 'cross_system_link_added', [e.edgeId ?? e.eventId]),
      type: 'cross_system_link_added',
      severity: 'medium',
      summary: `new cross-system link ${e.entityId} → ${e.targetEntityId}`,
      entityIds: [e.entityId, e.targetEntityId ?? ''],
      chainIds: [],
      eventIds: [e.eventId],
      before: null,
      after: (edge?.properties.evidenceReferences as unknown as JsonValue) ?? null,
      observedAt: e.timestamp,
    });
  }
}

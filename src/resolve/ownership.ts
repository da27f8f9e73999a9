import type { NormalizedEdge, NormalizedNode, OwnershipState } from '../model/index.ts';

// Ownership state (seed 003: owned / orphaned / unattributed / disputed), derived from facts:
// OWNED_BY edges (explicit owners), BELONGS_TO (an owner's team or parent owner), APPROVED_BY
// (an accountable approver). CREATED_BY and maintainer hints such as sys_updated_by never count.

export interface OwnershipSignal {
  kind:
    | 'owner_active'
    | 'owner_inactive'
    | 'owner_missing'
    | 'team_owner_active'
    | 'approver_active'
    | 'approver_inactive'
    | 'explicit_dispute'
    | 'conflicting_sources'
    | 'maintainer_hint_ignored'
    | 'no_owner_edges';
  nodeId?: string;
  detail: string;
}

export interface OwnerSummary {
  nodeId: string;
  displayName: string;
  via: 'OWNED_BY' | 'BELONGS_TO' | 'APPROVED_BY';
  active: boolean;
  inactiveReason?: string;
}

export interface OwnershipVerdict {
  state: OwnershipState;
  owners: OwnerSummary[];
  signals: OwnershipSignal[];
}

export interface OwnershipFacts {
  /** Outgoing edges of the entity (any type; only ownership ones are read). */
  edges: readonly NormalizedEdge[];
  /** People and teams the edges point at, and their BELONGS_TO parents. */
  people: ReadonlyMap<string, NormalizedNode>;
  /** BELONGS_TO edges of those people (person → parent owner). */
  parents: readonly NormalizedEdge[];
  /** "Now" for departure dates in the future; defaults to the current time. */
  asOf?: string;
}

/** Why a person can't answer for anything any more, or undefined while they still can. */
export function inactiveReason(person: NormalizedNode | undefined, asOf = new Date().toISOString()): string | undefined {
  if (!person) return 'owner record not found';
  if (person.deletedAt) return `deleted from the source on ${person.deletedAt}`;
  if (person.status === 'deleted') return 'deleted';
  if (person.status === 'disabled') return 'disabled';
  if (person.nodeType !== 'human_identity') return person.status === 'active' ? undefined : person.status;
  const p = person.properties;
  if (!p.accountEnabled) return 'account disabled';
  if (p.deletedAt && p.deletedAt <= asOf) return `deleted on ${p.deletedAt}`;
  if (p.departedAt && p.departedAt <= asOf) return `departed on ${p.departedAt}`;
  if (p.disabledAt && p.disabledAt <= asOf) return `disabled on ${p.disabledAt}`;
  return undefined;
}

export function deriveOwnership(facts: OwnershipFacts): OwnershipVerdict {
  const asOf = facts.asOf ?? new Date().toISOString();
  const signals: OwnershipSignal[] = [];
  const owners: OwnerSummary[] = [];
  const summarize = (id: string, via: OwnerSummary['via']): OwnerSummary => {
    const person = facts.people.get(id);
    const reason = inactiveReason(person, asOf);
    return { nodeId: id, displayName: person?.displayName ?? id, via, active: !reason, ...(reason ? { inactiveReason: reason } : {}) };
  };

  for (const e of facts.edges) {
    if (e.edgeType === 'CREATED_BY') {
      signals.push({ kind: 'maintainer_hint_ignored', nodeId: e.targetNodeId, detail: 'CREATED_BY is a maintainer hint, not ownership' });
    }
  }
  const ownedBy = facts.edges.filter((e) => e.edgeType === 'OWNED_BY');
  const approvedBy = facts.edges.filter((e) => e.edgeType === 'APPROVED_BY');

  for (const e of ownedBy) {
    const o = summarize(e.targetNodeId, 'OWNED_BY');
    owners.push(o);
    signals.push(
      o.active
        ? { kind: 'owner_active', nodeId: o.nodeId, detail: `${o.displayName} is an active owner` }
        : { kind: facts.people.has(o.nodeId) ? 'owner_inactive' : 'owner_missing', nodeId: o.nodeId, detail: `${o.displayName}: ${o.inactiveReason}` },
    );
    if (e.properties.ownershipStatus === 'disputed') {
      signals.push({ kind: 'explicit_dispute', nodeId: o.nodeId, detail: `the source marks ownership by ${o.displayName} as disputed` });
    }
  }
  // Team-level ownership: an inactive owner's active parent (team, business unit) still answers.
  for (const o of owners.filter((x) => !x.active)) {
    for (const parent of facts.parents.filter((p) => p.sourceNodeId === o.nodeId)) {
      const team = summarize(parent.targetNodeId, 'BELONGS_TO');
      if (team.active && !owners.some((x) => x.nodeId === team.nodeId)) {
        owners.push(team);
        signals.push({ kind: 'team_owner_active', nodeId: team.nodeId, detail: `${o.displayName} belongs to ${team.displayName}, which is active` });
      }
    }
  }
  for (const e of approvedBy) {
    const a = summarize(e.targetNodeId, 'APPROVED_BY');
    owners.push(a);
    signals.push({ kind: a.active ? 'approver_active' : 'approver_inactive', nodeId: a.nodeId, detail: `approved by ${a.displayName}${a.active ? '' : ` (${a.inactiveReason})`}` });
  }

  const activeOwners = owners.filter((o) => o.via !== 'APPROVED_BY' && o.active);
  // Conflict: active owners asserted by different source systems that do not name the same person.
  const sources = new Set(
    ownedBy.filter((e) => owners.find((o) => o.nodeId === e.targetNodeId)?.active).map((e) => facts.people.get(e.targetNodeId)?.sourceSystem),
  );
  const emails = new Set(activeOwners.map((o) => emailOf(facts.people.get(o.nodeId)) ?? o.nodeId));
  if (sources.size > 1 && emails.size > 1) {
    signals.push({ kind: 'conflicting_sources', detail: `active owners named by ${[...sources].join(' and ')} differ` });
  }

  let state: OwnershipState;
  if (signals.some((s) => s.kind === 'explicit_dispute' || s.kind === 'conflicting_sources')) state = 'disputed';
  else if (activeOwners.length > 0) state = 'owned';
  else if (ownedBy.length > 0) state = 'orphaned';
  else if (approvedBy.length > 0) state = owners.some((o) => o.active) ? 'owned' : 'orphaned';
  else {
    state = 'unattributed';
    signals.push({ kind: 'no_owner_edges', detail: 'no OWNED_BY or APPROVED_BY edge names an accountable person' });
  }
  return { state, owners, signals };
}

function emailOf(node: NormalizedNode | undefined): string | undefined {
  return node?.nodeType === 'human_identity' ? node.properties.email?.toLowerCase() : undefined;
}

/** Derive the verdict for every node in one graph (used by connectors during transform). */
export function deriveOwnershipInGraph(nodes: readonly NormalizedNode[], edges: readonly NormalizedEdge[], asOf?: string) {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const outgoing = new Map<string, NormalizedEdge[]>();
  for (const e of edges) {
    const list = outgoing.get(e.sourceNodeId) ?? [];
    list.push(e);
    outgoing.set(e.sourceNodeId, list);
  }
  const parents = edges.filter((e) => e.edgeType === 'BELONGS_TO');
  return (nodeId: string): OwnershipVerdict =>
    deriveOwnership({ edges: outgoing.get(nodeId) ?? [], people: byId, parents, ...(asOf ? { asOf } : {}) });
}

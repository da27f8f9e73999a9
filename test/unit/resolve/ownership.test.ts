import { describe, expect, it } from 'vitest';
import { deriveOwnership, deriveOwnershipInGraph, inactiveReason } from '../../../src/resolve/ownership.ts';
import type { NormalizedEdge, NormalizedNode } from '../../../src/model/index.ts';
import { makeEdge, makeNode, person } from '../../support/graph-builders.ts';

// Ownership state (seed 003 owned / orphaned / unattributed / disputed) from the facts a connector
// reads: each test pins one rule of the derivation so that changing it turns a verdict.

const AS_OF = '2026-11-26T12:00:00.000Z';
const app = makeNode('identity', 'entra_id', 'sp-payroll', {
  identitySubtype: 'service_principal',
  executionMode: 'autonomous',
  ownershipState: 'unattributed',
  appId: 'app-1',
});
const alice = person('entra_id', 'alice', { email: 'Alice@Contoso.com' }, { displayName: 'Alice Admin' });
const bob = person('entra_id', 'bob', {}, { displayName: 'Bob Builder' });
const carol = person('servicenow', 'carol', {}, { displayName: 'Carol Clerk' });
const aliceInSn = person('servicenow', 'alice.sn', { email: 'alice@contoso.com' }, { displayName: 'Alice (ServiceNow)' });
const gone = person('entra_id', 'gone', { departedAt: '2026-01-31T00:00:00.000Z' }, { displayName: 'Gone Gary' });
const team = person('entra_id', 'payroll-team', {}, { displayName: 'Payroll team' });
const oldTeam = person('entra_id', 'old-team', { accountEnabled: false }, { displayName: 'Old team' });

const peopleOf = (...nodes: NormalizedNode[]) => new Map(nodes.map((n) => [n.nodeId, n]));
const derive = (edges: NormalizedEdge[], people: NormalizedNode[] = [], parents: NormalizedEdge[] = []) =>
  deriveOwnership({ edges, people: peopleOf(...people), parents, asOf: AS_OF });

describe('inactiveReason', () => {
  it('names why a person can no longer answer, and nothing while they can', () => {
    expect(inactiveReason(undefined, AS_OF)).toBe('owner record not found');
    expect(inactiveReason({ ...alice, deletedAt: '2026-03-01T00:00:00.000Z' }, AS_OF)).toBe('deleted from the source on 2026-03-01T00:00:00.000Z');
    expect(inactiveReason({ ...alice, status: 'deleted' }, AS_OF)).toBe('deleted');
    expect(inactiveReason({ ...alice, status: 'disabled' }, AS_OF)).toBe('disabled');
    expect(inactiveReason(alice, AS_OF)).toBeUndefined();
    expect(inactiveReason(person('entra_id', 'x', { accountEnabled: false }), AS_OF)).toBe('account disabled');
  });

  it('a node that is not a person answers while active, and gives its status otherwise', () => {
    expect(inactiveReason(app, AS_OF)).toBeUndefined();
    expect(inactiveReason({ ...app, status: 'expired' }, AS_OF)).toBe('expired');
  });

  it.each([
    ['deletedAt', 'deleted on'],
    ['departedAt', 'departed on'],
    ['disabledAt', 'disabled on'],
  ] as const)('%s counts from that moment on (inclusive), not before', (field, words) => {
    const past = person('entra_id', 'p', { [field]: '2026-11-01T00:00:00.000Z' });
    expect(inactiveReason(past, AS_OF)).toBe(`${words} 2026-11-01T00:00:00.000Z`);
    expect(inactiveReason(person('entra_id', 'p', { [field]: AS_OF }), AS_OF)).toBe(`${words} ${AS_OF}`);
    expect(inactiveReason(person('entra_id', 'p', { [field]: '2026-12-01T00:00:00.000Z' }), AS_OF)).toBeUndefined();
  });

  it('compares against the current time when no moment is given', () => {
    expect(inactiveReason(person('entra_id', 'p', { departedAt: '2001-01-01T00:00:00.000Z' }))).toBe('departed on 2001-01-01T00:00:00.000Z');
    expect(inactiveReason(person('entra_id', 'p', { departedAt: '2999-01-01T00:00:00.000Z' }))).toBeUndefined();
  });
});

describe('deriveOwnership', () => {
  it('an active explicit owner: owned, with the owner and why', () => {
    expect(derive([makeEdge('OWNED_BY', app, alice)], [alice])).toEqual({
      state: 'owned',
      owners: [{ nodeId: alice.nodeId, displayName: 'Alice Admin', via: 'OWNED_BY', active: true }],
      signals: [{ kind: 'owner_active', nodeId: alice.nodeId, detail: 'Alice Admin is an active owner' }],
    });
  });

  it('owners who left or were never found: orphaned, each with its reason', () => {
    const verdict = derive([makeEdge('OWNED_BY', app, gone), makeEdge('OWNED_BY', app, 'entra_id:x:ghost')], [gone]);
    expect(verdict).toEqual({
      state: 'orphaned',
      owners: [
        { nodeId: gone.nodeId, displayName: 'Gone Gary', via: 'OWNED_BY', active: false, inactiveReason: 'departed on 2026-01-31T00:00:00.000Z' },
        { nodeId: 'entra_id:x:ghost', displayName: 'entra_id:x:ghost', via: 'OWNED_BY', active: false, inactiveReason: 'owner record not found' },
      ],
      signals: [
        { kind: 'owner_inactive', nodeId: gone.nodeId, detail: 'Gone Gary: departed on 2026-01-31T00:00:00.000Z' },
        { kind: 'owner_missing', nodeId: 'entra_id:x:ghost', detail: 'entra_id:x:ghost: owner record not found' },
      ],
    });
  });

  it('no ownership edge at all: unattributed, and CREATED_BY never counts', () => {
    const verdict = derive([makeEdge('CREATED_BY', app, alice), makeEdge('HAS_ROLE', app, 'role-1')], [alice]);
    expect(verdict).toEqual({
      state: 'unattributed',
      owners: [],
      signals: [
        { kind: 'maintainer_hint_ignored', nodeId: alice.nodeId, detail: 'CREATED_BY is a maintainer hint, not ownership' },
        { kind: 'no_owner_edges', detail: 'no OWNED_BY or APPROVED_BY edge names an accountable person' },
      ],
    });
  });

  it('the source marking ownership disputed makes it disputed even with an active owner', () => {
    const verdict = derive([makeEdge('OWNED_BY', app, alice, { ownershipStatus: 'disputed' })], [alice]);
    expect(verdict.state).toBe('disputed');
    expect(verdict.signals).toContainEqual({ kind: 'explicit_dispute', nodeId: alice.nodeId, detail: 'the source marks ownership by Alice Admin as disputed' });
    expect(derive([makeEdge('OWNED_BY', app, alice, { ownershipStatus: 'owned' })], [alice]).state).toBe('owned');
  });

  it("an inactive owner's active team still answers; an inactive team does not", () => {
    const parents = [makeEdge('BELONGS_TO', gone, team), makeEdge('BELONGS_TO', gone, oldTeam), makeEdge('BELONGS_TO', alice, bob)];
    const verdict = derive([makeEdge('OWNED_BY', app, gone)], [gone, team, oldTeam, alice, bob], parents);
    expect(verdict.state).toBe('owned');
    expect(verdict.owners).toEqual([
      { nodeId: gone.nodeId, displayName: 'Gone Gary', via: 'OWNED_BY', active: false, inactiveReason: 'departed on 2026-01-31T00:00:00.000Z' },
      { nodeId: team.nodeId, displayName: 'Payroll team', via: 'BELONGS_TO', active: true },
    ]);
    expect(verdict.signals).toContainEqual({ kind: 'team_owner_active', nodeId: team.nodeId, detail: 'Gone Gary belongs to Payroll team, which is active' });
  });

  it("an active owner's team is not added, nor a team already listed", () => {
    const parents = [makeEdge('BELONGS_TO', alice, team), makeEdge('BELONGS_TO', gone, alice)];
    const verdict = derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, gone)], [alice, gone, team], parents);
    expect(verdict.owners.map((o) => [o.nodeId, o.via])).toEqual([
      [alice.nodeId, 'OWNED_BY'],
      [gone.nodeId, 'OWNED_BY'],
    ]);
    expect(verdict.signals.map((s) => s.kind)).not.toContain('team_owner_active');
  });

  it('an approver alone: owned while active, orphaned once gone', () => {
    expect(derive([makeEdge('APPROVED_BY', app, bob)], [bob])).toEqual({
      state: 'owned',
      owners: [{ nodeId: bob.nodeId, displayName: 'Bob Builder', via: 'APPROVED_BY', active: true }],
      signals: [{ kind: 'approver_active', nodeId: bob.nodeId, detail: 'approved by Bob Builder' }],
    });
    expect(derive([makeEdge('APPROVED_BY', app, gone)], [gone])).toEqual({
      state: 'orphaned',
      owners: [{ nodeId: gone.nodeId, displayName: 'Gone Gary', via: 'APPROVED_BY', active: false, inactiveReason: 'departed on 2026-01-31T00:00:00.000Z' }],
      signals: [{ kind: 'approver_inactive', nodeId: gone.nodeId, detail: 'approved by Gone Gary (departed on 2026-01-31T00:00:00.000Z)' }],
    });
  });

  it('one active approver among inactive ones keeps it owned', () => {
    expect(derive([makeEdge('APPROVED_BY', app, gone), makeEdge('APPROVED_BY', app, bob)], [gone, bob]).state).toBe('owned');
  });

  it('an inactive owner from another source does not make two active owners of one source a conflict', () => {
    const carolLeft = person('servicenow', 'carol', { accountEnabled: false });
    expect(
      derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, bob), makeEdge('OWNED_BY', app, carolLeft)], [alice, bob, carolLeft]).state,
    ).toBe('owned');
  });

  it('an active approver does not rescue owners who all left: orphaned', () => {
    expect(derive([makeEdge('OWNED_BY', app, gone), makeEdge('APPROVED_BY', app, bob)], [gone, bob]).state).toBe('orphaned');
  });

  it('active owners named by two sources that are different people: disputed', () => {
    const verdict = derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, carol)], [alice, carol]);
    expect(verdict.state).toBe('disputed');
    expect(verdict.signals).toContainEqual({ kind: 'conflicting_sources', detail: 'active owners named by entra_id and servicenow differ' });
  });

  it('the same person in two sources (email compared case-insensitively) is no conflict', () => {
    expect(derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, aliceInSn)], [alice, aliceInSn]).state).toBe('owned');
  });

  it('two different people from one source, or an inactive one from another, are no conflict', () => {
    expect(derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, bob)], [alice, bob]).state).toBe('owned');
    const carolLeft = person('servicenow', 'carol', { accountEnabled: false });
    expect(derive([makeEdge('OWNED_BY', app, alice), makeEdge('OWNED_BY', app, carolLeft)], [alice, carolLeft]).state).toBe('owned');
  });

  it('people without an email are told apart by node id', () => {
    const a = person('entra_id', 'a', { email: undefined });
    const c = person('servicenow', 'c', { email: undefined });
    expect(derive([makeEdge('OWNED_BY', app, a), makeEdge('OWNED_BY', app, c)], [a, c]).state).toBe('disputed');
  });

  it('an owner departing in the future still answers today (asOf), and the default is now', () => {
    const leaving = person('entra_id', 'leaving', { departedAt: '2026-12-31T00:00:00.000Z' });
    expect(derive([makeEdge('OWNED_BY', app, leaving)], [leaving]).state).toBe('owned');
    const future = person('entra_id', 'future', { departedAt: '2999-01-01T00:00:00.000Z' });
    expect(deriveOwnership({ edges: [makeEdge('OWNED_BY', app, future)], people: peopleOf(future), parents: [] }).state).toBe('owned');
    const past = person('entra_id', 'past', { departedAt: '2001-01-01T00:00:00.000Z' });
    expect(deriveOwnership({ edges: [makeEdge('OWNED_BY', app, past)], people: peopleOf(past), parents: [] }).state).toBe('orphaned');
  });
});

describe('deriveOwnershipInGraph', () => {
  it("reads each node's own outgoing edges, the graph's BELONGS_TO parents and the given moment", () => {
    const other = makeNode('identity', 'entra_id', 'sp-other', {
      identitySubtype: 'service_principal',
      executionMode: 'autonomous',
      ownershipState: 'unattributed',
    });
    const leaving = person('entra_id', 'leaving', { departedAt: '2026-06-01T00:00:00.000Z' });
    const nodes = [app, other, alice, gone, team, leaving, bob];
    // gone → bob OWNED_BY is no parent link: only BELONGS_TO names the team that answers.
    const edges = [
      makeEdge('OWNED_BY', app, alice),
      makeEdge('OWNED_BY', app, leaving),
      makeEdge('OWNED_BY', other, gone),
      makeEdge('BELONGS_TO', gone, team),
      makeEdge('OWNED_BY', gone, bob),
    ];
    const verdictOf = deriveOwnershipInGraph(nodes, edges, AS_OF);
    expect(verdictOf(app.nodeId).state).toBe('owned');
    expect(verdictOf(app.nodeId).owners.map((o) => [o.displayName, o.active])).toEqual([
      ['Alice Admin', true],
      ['leaving', false],
    ]);
    expect(verdictOf(other.nodeId).owners.map((o) => o.displayName)).toEqual(['Gone Gary', 'Payroll team']);
    expect(verdictOf(alice.nodeId).state).toBe('unattributed');
    // Without a moment, "now": a departure in 2026-06 is past.
    expect(deriveOwnershipInGraph([app, leaving], [makeEdge('OWNED_BY', app, leaving)])(app.nodeId).state).toBe('orphaned');
    expect(deriveOwnershipInGraph([app, leaving], [makeEdge('OWNED_BY', app, leaving)], '2026-01-01T00:00:00.000Z')(app.nodeId).state).toBe('owned');
  });
});

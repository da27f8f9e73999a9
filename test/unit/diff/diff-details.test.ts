import { describe, expect, it } from 'vitest';
import { changedEdgeProperties, changedNodeProperties } from '../../../src/diff/changed-properties.ts';
import { diffGraphs } from '../../../src/diff/index.ts';
import { CHANGED, NEW, SAME, classifyCurrent } from '../../../src/diff/hashed-previous.ts';
import type { HashedPrevious } from '../../../src/diff/hashed-previous.ts';
import { edgeContentHash, nodeContentHash } from '../../../src/model/index.ts';
import type { NormalizedNode } from '../../../src/model/index.ts';
import { makeEdge, makeGraph, makeNode } from '../../support/graph-builders.ts';

// Finer rules of the diff, each pinned by the case that tells it apart: what counts as a changed
// field, which stored ids the hash plan asks for, that a same-content row under a stale hash gives
// no event on the hashed path too, and the order of entitiesToEvaluate.

const identity = (id: string, properties: Record<string, unknown> = {}) =>
  makeNode('identity', 'entra_id', id, { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned', ...properties });
const role = makeNode('role', 'entra_id', 'role', { roleName: 'Reader', roleSubtype: 'directory', isPrivileged: false });

describe('changed properties', () => {
  it('names only the properties that differ, never the properties object or the tombstone date', () => {
    const a = identity('a', { appId: 'x', lastActivityAt: '2026-01-01T00:00:00.000Z' });
    expect(changedNodeProperties(a, { ...a, properties: { ...a.properties, appId: 'y' } })).toEqual(['properties.appId']);
    expect(changedNodeProperties(a, { ...a, deletedAt: '2026-02-01T00:00:00.000Z' })).toEqual([]);
    expect(changedNodeProperties(a, { ...a, displayName: 'b', properties: { ...a.properties, extra: 1 } })).toEqual(['displayName', 'properties.extra']);
  });

  it('on an edge: validity dates and the properties that differ', () => {
    const e = makeEdge('HAS_ROLE', 'a', 'b', { grantedBy: 'pim', scope: '/' });
    expect(changedEdgeProperties(e, { ...e, properties: { grantedBy: 'pim', scope: '/x' } })).toEqual(['properties.scope']);
    expect(changedEdgeProperties(e, { ...e, until: '2027-01-01T00:00:00.000Z', since: '2026-01-01T00:00:00.000Z' })).toEqual(['since', 'until']);
    expect(changedEdgeProperties(e, { ...e, properties: { scope: '/', grantedBy: 'pim' } })).toEqual([]);
  });
});

describe('the hash plan', () => {
  it('marks each current entity new, same or changed, and lists the changed and the vanished as stale', () => {
    const a = identity('a');
    const b = identity('b');
    const c = identity('c');
    const state = {
      nodeHashes: new Map([
        [a.nodeId, nodeContentHash(a)],
        [b.nodeId, 'old-hash'],
        [c.nodeId, nodeContentHash(c)],
      ]),
      edgeHashes: new Map<string, string>(),
    };
    const plan = classifyCurrent(state, { nodes: [a, b, identity('d')], edges: [] });
    expect([...plan.nodeStatus]).toEqual([SAME, CHANGED, NEW]);
    expect(plan.staleNodeIds).toEqual([b.nodeId, c.nodeId]);
    expect(plan.staleEdgeIds).toEqual([]);
    expect(classifyCurrent(state, { nodes: [a, c, b], edges: [] }).staleNodeIds).toEqual([b.nodeId]);
  });

  it('compares plain edges (no dates, no properties) by their shared hash and the others by their own', () => {
    const plain = makeEdge('HAS_ROLE', 'a', 'r');
    const dated = { ...makeEdge('HAS_ROLE', 'b', 'r'), since: '2026-01-01T00:00:00.000Z' };
    const nowPlain = makeEdge('HAS_ROLE', 'c', 'r');
    const nowDated = { ...makeEdge('HAS_ROLE', 'd', 'r'), until: '2027-01-01T00:00:00.000Z' };
    const withProperties = makeEdge('HAS_ROLE', 'e', 'r', { grantedBy: 'pim' });
    const plainHash = edgeContentHash(plain);
    const state = {
      nodeHashes: new Map<string, string>(),
      edgeHashes: new Map([
        // The store's copy of the shared hash is another string object than the one in memory.
        [plain.edgeId, plainHash.split('').join('')],
        [dated.edgeId, edgeContentHash(dated)],
        [nowPlain.edgeId, edgeContentHash({ ...nowPlain, since: '2026-01-01T00:00:00.000Z' })],
        [nowDated.edgeId, plainHash],
        [withProperties.edgeId, edgeContentHash({ ...withProperties, properties: { grantedBy: 'manual' } })],
      ]),
    };
    const plan = classifyCurrent(state, { nodes: [], edges: [plain, dated, nowPlain, nowDated, withProperties] });
    expect([...plan.edgeStatus]).toEqual([SAME, SAME, CHANGED, CHANGED, CHANGED]);
    expect(plan.staleEdgeIds).toEqual([nowPlain.edgeId, nowDated.edgeId, withProperties.edgeId]);
  });
});

describe('the hashed path', () => {
  it('a stale stored hash over the same content gives no event, for nodes and edges alike', () => {
    const a = identity('a', { appId: 'x' });
    const e = makeEdge('HAS_ROLE', a, role, { grantedBy: 'pim' });
    const previous: HashedPrevious = {
      nodeHashes: new Map([
        [a.nodeId, 'written-with-another-key-order'],
        [role.nodeId, nodeContentHash(role)],
      ]),
      edgeHashes: new Map([[e.edgeId, 'written-with-another-key-order']]),
      changedNodes: new Map([[a.nodeId, a]]),
      changedEdges: new Map([[e.edgeId, e]]),
    };
    const { result, changes } = diffGraphs(previous, makeGraph('c', [a, role], [e]));
    expect(result.events).toEqual([]);
    expect(result).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0 });
    // Rewritten as they are, so the store keeps the current hash; not created, not removed.
    expect(changes.upsertNodes).toEqual([a]);
    expect(changes.upsertEdges).toEqual([e]);
    expect(changes.removeEdgeIds).toEqual([]);
    expect([...(changes.newEdgeIds ?? [])]).toEqual([]);
    expect(edgeContentHash(e)).not.toBe('written-with-another-key-order');
  });

  it('hashes stored by the former sha1 fingerprint compare unequal once: no event, the rows are rewritten, then they compare equal', async () => {
    // What this project stored before hash128 (model/hash.ts history): sha1 of the JSON, base64.
    const { createHash } = await import('node:crypto');
    const sha1 = (text: string) => createHash('sha1').update(text).digest('base64');
    const legacyEdge = (x: typeof e) =>
      sha1(`${x.edgeType}|${x.sourceNodeId}|${x.targetNodeId}|${x.since ?? ''}|${x.until ?? ''}|${JSON.stringify(x.properties)}`);
    const a = identity('a', { appId: 'x' });
    const e = makeEdge('HAS_ROLE', a, role, { grantedBy: 'pim' });
    const legacy = {
      nodeHashes: new Map([a, role].map((n) => [n.nodeId, sha1(JSON.stringify(n))])),
      edgeHashes: new Map([[e.edgeId, legacyEdge(e)]]),
    };
    expect(legacy.nodeHashes.get(a.nodeId)).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    const current = makeGraph('c', [a, role], [e]);
    const plan = classifyCurrent(legacy, current);
    expect([...plan.nodeStatus, ...plan.edgeStatus]).toEqual([CHANGED, CHANGED, CHANGED]);
    const { result, changes } = diffGraphs(
      { ...legacy, changedNodes: new Map([a, role].map((n) => [n.nodeId, n])), changedEdges: new Map([[e.edgeId, e]]) },
      current,
      {
        classified: plan,
      },
    );
    expect(result.events).toEqual([]);
    expect(changes.upsertNodes.map((n) => n.nodeId).sort()).toEqual([a.nodeId, role.nodeId].sort());
    expect(changes.upsertEdges).toEqual([e]);
    // A store that wrote those rows now holds hash128s: the next sync finds every row by hash.
    const rewritten = {
      nodeHashes: new Map(changes.upsertNodes.map((n) => [n.nodeId, nodeContentHash(n)])),
      edgeHashes: new Map(changes.upsertEdges.map((x) => [x.edgeId, edgeContentHash(x)])),
    };
    const next = classifyCurrent(rewritten, current);
    expect([...next.nodeStatus, ...next.edgeStatus]).toEqual([SAME, SAME, SAME]);
    expect(next.staleNodeIds).toEqual([]);
  });
});

describe('entitiesToEvaluate', () => {
  it('is sorted by id whatever order the changes came in', () => {
    const zed = identity('zed');
    const amy = identity('amy', { ownershipState: 'owned' });
    const previous = { nodes: [amy] as NormalizedNode[], edges: [] };
    const next = makeGraph('c', [zed, { ...amy, properties: { ...amy.properties, ownershipState: 'orphaned' } }]);
    // Creations come first in event order (zed), updates after (amy): the list is still by id.
    const { result } = diffGraphs(previous, next);
    expect(result.events.map((ev) => ev.entityId)).toEqual([zed.nodeId, amy.nodeId]);
    expect(result.entitiesToEvaluate).toEqual([amy.nodeId, zed.nodeId]);
  });

  it('hashes stored in format 1 (ids hashed too, seed "ag01") compare unequal once: no event, the rows are rewritten, then they compare equal', () => {
    // Written out as object literals, and their format-1 hashes as main computed them before
    // format 2 (commit cc082f8): what a store holds for these rows today.
    const sp = {
      nodeId: 'entra_id:contoso:sp-1',
      nodeType: 'identity',
      sourceSystem: 'entra_id',
      sourceScope: 'contoso',
      sourceId: 'sp-1',
      displayName: 'Payroll bot',
      status: 'active',
      properties: { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned' },
    } as NormalizedNode;
    const admin = {
      nodeId: 'entra_id:contoso:role-1',
      nodeType: 'role',
      sourceSystem: 'entra_id',
      sourceScope: 'contoso',
      sourceId: 'role-1',
      displayName: 'Admin',
      status: 'active',
      properties: { roleName: 'Admin', roleSubtype: 'directory', isPrivileged: true },
    } as NormalizedNode;
    const grant = {
      edgeId: 'HAS_ROLE:8bdfd97ca59a4d5194d250ef',
      edgeType: 'HAS_ROLE' as const,
      sourceNodeId: sp.nodeId,
      targetNodeId: admin.nodeId,
      properties: {},
    };
    const format1 = {
      nodeHashes: new Map([
        [sp.nodeId, 'YK0GUi8AZQlah9_ukw4OmA'],
        [admin.nodeId, 'x8iRl66VVLdM3dXWxNfeUD'],
      ]),
      edgeHashes: new Map([[grant.edgeId, 'yNxJd4n0RicBMwMOtfEVBD']]),
    };
    const current = makeGraph('c', [sp, admin], [grant]);
    const plan = classifyCurrent(format1, current);
    expect([...plan.nodeStatus, ...plan.edgeStatus]).toEqual([CHANGED, CHANGED, CHANGED]);
    const previous: HashedPrevious = {
      ...format1,
      changedNodes: new Map([sp, admin].map((n) => [n.nodeId, n])),
      changedEdges: new Map([[grant.edgeId, grant]]),
    };
    const { result, changes } = diffGraphs(previous, current, { classified: plan });
    expect(result.events).toEqual([]);
    expect(result).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, nodesDeleted: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0 });
    expect(changes.upsertNodes.map((n) => n.nodeId).sort()).toEqual([sp.nodeId, admin.nodeId].sort());
    expect(changes.upsertEdges).toEqual([grant]);
    expect(changes.removeEdgeIds).toEqual([]);
    const rewritten = {
      nodeHashes: new Map(changes.upsertNodes.map((n) => [n.nodeId, nodeContentHash(n)])),
      edgeHashes: new Map(changes.upsertEdges.map((x) => [x.edgeId, edgeContentHash(x)])),
    };
    const next = classifyCurrent(rewritten, current);
    expect([...next.nodeStatus, ...next.edgeStatus]).toEqual([SAME, SAME, SAME]);
    expect([...next.staleNodeIds, ...next.staleEdgeIds]).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { UnreachableCaseError, applyChanges, diffGraphs } from '../../../src/diff/index.ts';
import { diffEventIds, makeEventId } from '../../../src/diff/event-ids.ts';
import { edgeContentHash, nodeContentHash } from '../../../src/model/index.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode } from '../../../src/model/index.ts';

// The diff's rules on graphs small enough to read: each test pins one decision (the hash shortcut,
// deletion scope, trigger relevance, event shape and order) so that changing it fails a test.

const AT = '2026-02-01T00:00:00.000Z';

function node(
  nodeId: string,
  nodeType: NormalizedNode['nodeType'],
  properties: Record<string, unknown> = {},
  extra: Partial<NormalizedNode> = {},
): NormalizedNode {
  return {
    nodeId,
    nodeType,
    sourceSystem: 'custom',
    sourceScope: 's',
    sourceId: nodeId,
    displayName: nodeId,
    status: 'active',
    properties,
    ...extra,
  } as NormalizedNode;
}
function edge(
  edgeType: NormalizedEdge['edgeType'],
  sourceNodeId: string,
  targetNodeId: string,
  properties: Record<string, unknown> = {},
  extra: Partial<NormalizedEdge> = {},
): NormalizedEdge {
  return { edgeId: `${edgeType}:${sourceNodeId}->${targetNodeId}`, edgeType, sourceNodeId, targetNodeId, properties, ...extra } as NormalizedEdge;
}
function graph(nodes: NormalizedNode[], edges: NormalizedEdge[] = [], extra: Partial<NormalizedGraph> = {}): NormalizedGraph {
  return { syncId: 'sync-2', connectorId: 'conn', tenantId: 'tenant', transformedAt: AT, nodes, edges, ...extra } as NormalizedGraph;
}

const sp = node('sp', 'identity', { identitySubtype: 'service_principal', ownershipState: 'owned' });
const flow = node('flow', 'automation', { executionMode: 'autonomous', securityRelevance: 'high' });
const alice = node('alice', 'human_identity', { accountEnabled: true, email: 'a@x' });
const role = node('role', 'role', { roleName: 'r', isPrivileged: false });
const res = node('res', 'resource', { businessDomain: 'hr' });
const hasRole = edge('HAS_ROLE', 'sp', 'role');
const runsAs = edge('RUNS_AS', 'flow', 'sp');
const ownedBy = edge('OWNED_BY', 'sp', 'alice');
const previous = { nodes: [sp, flow, alice, role, res], edges: [hasRole, runsAs, ownedBy] };

describe('diff rules, one at a time', () => {
  it('stamps every event with the sync, tenant, connector and extraction time, numbered in order', () => {
    const next = graph([...previous.nodes, node('new', 'credential', {})], previous.edges);
    const { result } = diffGraphs(previous, next);
    expect(result).toMatchObject({ syncId: 'sync-2', tenantId: 'tenant', computedAt: AT, nodesCreated: 1 });
    expect(result.events).toEqual([
      {
        eventId: diffEventIds('tenant', 'sync-2').node('created', 'new'),
        tenantId: 'tenant',
        timestamp: AT,
        sourceConnector: 'conn',
        syncId: 'sync-2',
        sequence: 0,
        entityType: 'credential',
        entityId: 'new',
        eventType: 'created',
        beforeState: null,
        afterState: node('new', 'credential', {}),
      },
    ]);
    // A credential is not an entity the evaluator re-checks on creation.
    expect(result.entitiesToEvaluate).toEqual([]);
  });

  it('orders events creations, updates, edge removals, edge additions, deletions', () => {
    // Input in the opposite order to the output: the order comes from the kind of change, then the id.
    const next = graph(
      [
        node('res-b', 'resource', { businessDomain: 'it_ops' }),
        node('a-new', 'role', { roleName: 'n', isPrivileged: false }),
        { ...role, displayName: 'renamed' } as NormalizedNode,
        sp,
        flow,
        alice,
      ],
      [edge('HAS_ROLE', 'sp', 'a-new'), runsAs, ownedBy],
    );
    const { result, changes } = diffGraphs(previous, next);
    expect(result.events.map((e) => [e.eventType, e.entityId, e.sequence])).toEqual([
      ['created', 'a-new', 0],
      ['created', 'res-b', 1],
      ['updated', 'role', 2],
      ['relationship_removed', 'sp', 3],
      ['relationship_added', 'sp', 4],
      ['deleted', 'res', 5],
    ]);
    expect(result).toMatchObject({ nodesCreated: 2, nodesUpdated: 1, nodesDeleted: 1, edgesCreated: 1, edgesRemoved: 1, edgesUpdated: 0 });
    expect(result.events[2]!.changedProperties).toEqual(['displayName']);
    expect(changes.removeEdgeIds).toEqual([hasRole.edgeId]);
    expect(changes.upsertNodes.find((n) => n.nodeId === 'res')).toMatchObject({ status: 'deleted', deletedAt: AT });
  });

  it('trusts a stored content hash: equal means unchanged, different but same content means no event', () => {
    const renamed = { ...sp, displayName: 'renamed' } as NormalizedNode;
    const next = graph([renamed, flow, alice, role, res], previous.edges);
    // The store says the stored version already has the new content: nothing to do.
    const trusted = diffGraphs(previous, next, { previousNodeHashes: new Map([['sp', nodeContentHash(renamed)]]) });
    expect(trusted.result.events).toEqual([]);
    // A stale hash with identical content (e.g. written with another key order) yields no event.
    const same = diffGraphs(previous, graph(previous.nodes, previous.edges), {
      previousNodeHashes: new Map([['sp', 'stale']]),
      previousEdgeHashes: new Map([[hasRole.edgeId, 'stale']]),
    });
    expect(same.result.events).toEqual([]);
    // Rewritten with the current hash, without an event.
    expect(same.changes.upsertNodes.map((n) => n.nodeId)).toEqual(['sp']);
    expect(same.changes.upsertEdges.map((e) => e.edgeId)).toEqual([hasRole.edgeId]);
    // And an equal edge hash hides a property change, as promised.
    const changedEdge = { ...hasRole, properties: { grantedBy: 'bob' } } as NormalizedEdge;
    const edgeTrusted = diffGraphs(previous, graph(previous.nodes, [changedEdge, runsAs, ownedBy]), {
      previousEdgeHashes: new Map([[hasRole.edgeId, edgeContentHash(changedEdge)]]),
    });
    expect(edgeTrusted.result.events).toEqual([]);
  });

  it('reports an edge whose validity changed as replaced, naming since/until', () => {
    const ended = { ...hasRole, until: AT } as NormalizedEdge;
    const { result, changes } = diffGraphs(previous, graph(previous.nodes, [ended, runsAs, ownedBy]));
    expect(result).toMatchObject({ edgesUpdated: 1, edgesRemoved: 0, edgesCreated: 0 });
    expect(result.events.map((e) => [e.eventType, e.changedProperties, e.beforeState === null, e.afterState === null])).toEqual([
      ['relationship_removed', ['until'], false, true],
      ['relationship_added', ['until'], true, false],
    ]);
    // The removal half of a replacement must not delete what the addition re-writes.
    expect(changes.removeEdgeIds).toEqual([]);
    expect(changes.upsertEdges).toEqual([ended]);
  });

  it('keeps edges of a type the extraction did not see completely, unless an end was deleted', () => {
    const scope = {
      completeNodeTypes: ['identity', 'automation', 'human_identity', 'role', 'resource'],
      completeEdgeTypes: ['RUNS_AS'],
    } as NormalizedGraph['extractionScope'];
    // HAS_ROLE and OWNED_BY are missing, but only OWNED_BY's end (alice) was deleted.
    const bob = node('bob', 'human_identity', { accountEnabled: true });
    const before = { nodes: [...previous.nodes, bob], edges: previous.edges };
    const next = graph([sp, flow, bob, role, res], [runsAs], { extractionScope: scope });
    const { result } = diffGraphs(before, next);
    expect(result.events.filter((e) => e.eventType === 'deleted').map((e) => e.entityId)).toEqual(['alice']);
    expect(result.events.filter((e) => e.eventType === 'relationship_removed').map((e) => e.relationshipType)).toEqual(['OWNED_BY']);
    expect(result.deletionsWithheld).toEqual(['edge:HAS_ROLE:incomplete_extraction', 'edge:OWNED_BY:incomplete_extraction']);
    // A complete type that came back empty is withheld too, and named so.
    const emptied = diffGraphs(previous, graph(previous.nodes, [hasRole, ownedBy]));
    expect(emptied.result.deletionsWithheld).toEqual(['edge:RUNS_AS:empty_extraction']);
    expect(emptied.result.events).toEqual([]);
    const noRoles = diffGraphs(previous, graph([sp, flow, alice, res], previous.edges));
    expect(noRoles.result.deletionsWithheld).toEqual(['node:role:empty_extraction']);
    expect(noRoles.result.nodesDeleted).toBe(0);
  });

  it('puts on entitiesToEvaluate what the evaluator must re-check, and nothing else', () => {
    const evaluate = (nodes: NormalizedNode[], edges: NormalizedEdge[] = previous.edges) => diffGraphs(previous, graph(nodes, edges)).result.entitiesToEvaluate;
    const set = (n: NormalizedNode, properties: Record<string, unknown>, extra: Partial<NormalizedNode> = {}) =>
      ({ ...n, ...extra, properties: { ...n.properties, ...properties } }) as NormalizedNode;
    expect(evaluate([set(sp, { ownershipState: 'orphaned' }), flow, alice, role, res])).toEqual(['sp']);
    expect(evaluate([set(sp, { lastActivityAt: AT }), flow, alice, role, res])).toEqual(['sp']);
    expect(evaluate([set(sp, {}, { status: 'disabled' }), flow, alice, role, res])).toEqual(['sp']);
    expect(evaluate([set(sp, { appId: 'x' }), flow, alice, role, res])).toEqual([]);
    expect(evaluate([sp, set(flow, { executionMode: 'human_triggered' }), alice, role, res])).toEqual(['flow']);
    expect(evaluate([sp, set(flow, { securityRelevance: 'low' }), alice, role, res])).toEqual(['flow']);
    expect(evaluate([sp, set(flow, { lastActivityAt: AT }), alice, role, res])).toEqual([]);
    expect(evaluate([sp, flow, set(alice, { accountEnabled: false }), role, res])).toEqual(['alice']);
    expect(evaluate([sp, flow, set(alice, { departedAt: AT }), role, res])).toEqual(['alice']);
    expect(evaluate([sp, flow, set(alice, { email: 'b@x' }), role, res])).toEqual([]);
    expect(evaluate([sp, flow, alice, set(role, { isPrivileged: true }, { status: 'disabled' }), res])).toEqual([]);
    // Edges: ownership and role edges put their source on the list; a CALLS edge does not.
    expect(evaluate(previous.nodes, [...previous.edges, edge('OWNED_BY', 'flow', 'alice')])).toEqual(['flow']);
    expect(evaluate(previous.nodes, [...previous.edges, edge('HAS_ROLE', 'alice', 'role')])).toEqual(['alice']);
    expect(evaluate(previous.nodes, [...previous.edges, edge('CALLS', 'flow', 'flow2')])).toEqual([]);
    expect(evaluate(previous.nodes, [...previous.edges, edge('GRANTS', 'role', 'perm')])).toEqual(['role']);
    // Deleting an identity, automation or person needs evaluation; deleting a resource does not.
    const sp2 = node('sp2', 'identity', { identitySubtype: 'bot', ownershipState: 'owned' });
    const res2 = node('res2', 'resource', { businessDomain: 'it_ops' });
    const wider = { nodes: [...previous.nodes, sp2, res2], edges: previous.edges };
    const after = (nodes: NormalizedNode[]) => diffGraphs(wider, graph(nodes, previous.edges)).result;
    expect(after([sp, sp2, flow, alice, role, res2]).entitiesToEvaluate).toEqual([]);
    expect(after([sp, sp2, flow, alice, role, res2]).nodesDeleted).toBe(1);
    expect(after([sp, flow, alice, role, res, res2]).entitiesToEvaluate).toEqual(['sp2']);
  });

  it('names what changed in sorted order, top-level fields beside properties', () => {
    const next = graph(
      [{ ...alice, status: 'disabled', properties: { ...alice.properties, accountEnabled: false } } as NormalizedNode, sp, flow, role, res],
      previous.edges,
    );
    expect(diffGraphs(previous, next).result.events[0]!.changedProperties).toEqual(['properties.accountEnabled', 'status']);
    const regranted = { ...hasRole, since: AT, properties: { grantedBy: 'bob' } } as NormalizedEdge;
    const edges = diffGraphs(previous, graph(previous.nodes, [regranted, runsAs, ownedBy])).result.events;
    expect(edges.map((e) => e.changedProperties)).toEqual([
      ['properties.grantedBy', 'since'],
      ['properties.grantedBy', 'since'],
    ]);
  });

  it('lists withheld deletions sorted, whatever order the store returned them in', () => {
    const before = { nodes: previous.nodes, edges: [ownedBy, runsAs, hasRole] };
    const scope = { completeNodeTypes: [], completeEdgeTypes: [] } as unknown as NormalizedGraph['extractionScope'];
    const { result } = diffGraphs(before, graph([sp], [], { extractionScope: scope }));
    expect(result.deletionsWithheld).toEqual([
      'edge:HAS_ROLE:incomplete_extraction',
      'edge:OWNED_BY:incomplete_extraction',
      'edge:RUNS_AS:incomplete_extraction',
      'node:automation:incomplete_extraction',
      'node:human_identity:incomplete_extraction',
      'node:identity:incomplete_extraction',
      'node:resource:incomplete_extraction',
      'node:role:incomplete_extraction',
    ]);
    expect(result.events).toEqual([]);
  });

  it('evaluates new automations and people, and an update when any one watched property changed', () => {
    const created = (n: NormalizedNode) => diffGraphs(previous, graph([...previous.nodes, n], previous.edges)).result.entitiesToEvaluate;
    expect(created(node('flow-2', 'automation', { executionMode: 'autonomous' }))).toEqual(['flow-2']);
    expect(created(node('carol', 'human_identity', { accountEnabled: true }))).toEqual(['carol']);
    expect(created(node('sp-3', 'identity', { identitySubtype: 'bot' }))).toEqual(['sp-3']);
    expect(created(node('role-2', 'role', { roleName: 'x', isPrivileged: true }))).toEqual([]);
    // One watched (ownershipState) and one not (appId) changed together: still evaluated.
    const both = { ...sp, properties: { ...sp.properties, ownershipState: 'orphaned', appId: 'y' } } as NormalizedNode;
    expect(diffGraphs(previous, graph([both, flow, alice, role, res], previous.edges)).result.entitiesToEvaluate).toEqual(['sp']);
  });

  it('keeps the parts of an event id apart: no edge id is no edge, and parts never run together', () => {
    const parts = { tenantId: 't', syncId: 's', eventType: 'created', entityId: 'ab' };
    expect(makeEventId(parts)).toBe(makeEventId({ ...parts, edgeId: '' }));
    expect(makeEventId({ ...parts, entityId: 'a', edgeId: 'b' })).not.toBe(makeEventId({ ...parts, entityId: 'ab', edgeId: '' }));
    // The diff's ids: tenant and sync never run together, nor a node's id into an edge's.
    expect(diffEventIds('t', 'sx').node('created', 'ab')).not.toBe(diffEventIds('ts', 'x').node('created', 'ab'));
    expect(diffEventIds('t', 's').node('created', 'ab')).not.toBe(diffEventIds('t', 's').edge('created', 'ab'));
  });

  it('names the entity type of an edge event from the graphs, else from the edge type', () => {
    const dangling = edge('INVOKES', 'ghost-automation', 'ghost-connection');
    const { result } = diffGraphs(previous, graph(previous.nodes, [...previous.edges, dangling, edge('HAS_ROLE', 'alice', 'role')]));
    const typeOf = (id: string) => result.events.find((e) => e.entityId === id)?.entityType;
    expect(typeOf('ghost-automation')).toBe('automation');
    expect(typeOf('alice')).toBe('human_identity');
  });

  it('gives each change its own deterministic id, and a tombstone leaves the live graph only with its deletedAt', () => {
    const parts = { tenantId: 't', syncId: 's', eventType: 'created', entityId: 'e' };
    const ids = new Set([
      makeEventId(parts),
      makeEventId({ ...parts, tenantId: 't2' }),
      makeEventId({ ...parts, syncId: 's2' }),
      makeEventId({ ...parts, eventType: 'deleted' }),
      makeEventId({ ...parts, entityId: 'e2' }),
      makeEventId({ ...parts, edgeId: 'x' }),
    ]);
    expect(ids.size).toBe(6);
    expect(makeEventId(parts)).toBe(makeEventId({ ...parts }));
    expect(makeEventId(parts)).toMatch(/^evt_[0-9a-f]{32}$/);
    // The diff's ids (a faster hash, same shape): as distinct and as repeatable.
    const of = diffEventIds('t', 's');
    const diffIds = new Set([
      of.node('created', 'e'),
      diffEventIds('t2', 's').node('created', 'e'),
      diffEventIds('t', 's2').node('created', 'e'),
      of.node('deleted', 'e'),
      of.node('updated', 'e'),
      of.node('created', 'e2'),
      of.edge('relationship_added', 'e'),
      of.edge('relationship_removed', 'e'),
    ]);
    expect(diffIds.size).toBe(8);
    expect(of.node('created', 'e')).toBe(diffEventIds('t', 's').node('created', 'e'));
    expect(of.edge('relationship_added', 'x')).toMatch(/^evt_[0-9a-f]{32}$/);

    const live = { nodes: [sp], edges: [] };
    expect(
      applyChanges(live, { upsertNodes: [{ ...sp, status: 'deleted', deletedAt: AT } as NormalizedNode], upsertEdges: [], removeEdgeIds: [] }).nodes,
    ).toEqual([]);
    // Disabled, or "deleted" without a deletedAt, is still in the live graph.
    const disabled = { ...sp, status: 'deleted' } as NormalizedNode;
    expect(applyChanges(live, { upsertNodes: [disabled], upsertEdges: [], removeEdgeIds: [] }).nodes).toEqual([disabled]);
    expect(() => {
      throw new UnreachableCaseError('x' as never);
    }).toThrow('unreachable case: "x"');
  });
});

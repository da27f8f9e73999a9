import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutateTenant, syntheticTenant } from '../../../bench/synthetic/tenant.ts';
import { applyChanges, classifyCurrent, diffGraphs, summarizeExtraction } from '../../../src/diff/index.ts';
import type { CurrentClassification, HashedPrevious } from '../../../src/diff/index.ts';
import { canonicalJson, edgeContentHash, nodeContentHash } from '../../../src/model/index.ts';
import type { NormalizedGraph, StoredGraph } from '../../../src/model/index.ts';

const stored = (g: NormalizedGraph): StoredGraph => ({ nodes: g.nodes, edges: g.edges });
const sortedJson = (g: StoredGraph) => ({
  nodes: g.nodes.map((n) => canonicalJson(n)).sort(),
  edges: g.edges.map((e) => canonicalJson(e)).sort(),
});

const sameTypes = (a: string[], b: string[]) => [...new Set(a)].every((t) => b.includes(t));

describe('diffGraphs', () => {
  const base = syntheticTenant({ nodes: 400, seed: 1 });

  it('rule 1: a new node gives a created event and a trigger entry for identities', () => {
    const next = structuredClone(base);
    const identity = structuredClone(base.nodes.find((n) => n.nodeType === 'identity')!);
    identity.nodeId = `${identity.nodeId}-new`;
    next.nodes.push(identity);
    const { result, changes } = diffGraphs({ nodes: base.nodes, edges: base.edges }, next);
    expect(result.nodesCreated).toBe(1);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ eventType: 'created', entityId: identity.nodeId, beforeState: null });
    expect(result.entitiesToEvaluate).toEqual([identity.nodeId]);
    expect(changes.upsertNodes.map((n) => n.nodeId)).toEqual([identity.nodeId]);
  });

  it('rule 2: a changed property gives an updated event with before, after and the changed names', () => {
    const next = structuredClone(base);
    const human = next.nodes.find((n) => n.nodeType === 'human_identity' && n.properties.accountEnabled)!;
    if (human.nodeType !== 'human_identity') throw new Error('fixture');
    human.properties.accountEnabled = false;
    human.properties.departedAt = '2026-01-15T00:00:00.000Z';
    const { result } = diffGraphs(stored(base), next);
    expect(result.nodesUpdated).toBe(1);
    const event = result.events[0]!;
    expect(event.eventType).toBe('updated');
    expect(event.changedProperties).toEqual(['properties.accountEnabled', 'properties.departedAt']);
    expect((event.beforeState as { properties: { accountEnabled: boolean } }).properties.accountEnabled).toBe(true);
    expect(result.entitiesToEvaluate).toContain(human.nodeId);
  });

  it('rule 3: a missing node is tombstoned and its edges removed', () => {
    const victim = base.nodes.find((n) => n.nodeType === 'credential')!;
    const next = { ...structuredClone(base), nodes: base.nodes.filter((n) => n !== victim) };
    next.edges = next.edges.filter((e) => e.sourceNodeId !== victim.nodeId && e.targetNodeId !== victim.nodeId);
    const touching = base.edges.filter((e) => e.sourceNodeId === victim.nodeId || e.targetNodeId === victim.nodeId);
    const { result, changes } = diffGraphs(stored(base), next);
    expect(result.nodesDeleted).toBe(1);
    expect(result.edgesRemoved).toBe(touching.length);
    const tombstone = changes.upsertNodes.find((n) => n.nodeId === victim.nodeId)!;
    expect(tombstone).toMatchObject({ status: 'deleted', deletedAt: base.transformedAt });
    expect(result.events.at(-1)).toMatchObject({ eventType: 'deleted', entityId: victim.nodeId });
  });

  it('rules 4–6: edges added, removed, and replaced (removed + added) when properties differ', () => {
    const next = structuredClone(base);
    const [changed, removed] = next.edges;
    changed!.properties.sourceEvidence = 'sys_id:abc';
    next.edges = next.edges.filter((e) => e !== removed);
    const { result, changes } = diffGraphs(stored(base), next);
    expect(result.edgesUpdated).toBe(1);
    expect(result.edgesRemoved).toBe(1);
    const forChanged = result.events.filter((e) => e.edgeId === changed!.edgeId).map((e) => e.eventType);
    expect(forChanged).toEqual(['relationship_removed', 'relationship_added']);
    expect(changes.removeEdgeIds).toEqual([removed!.edgeId]);
    expect(changes.upsertEdges.map((e) => e.edgeId)).toEqual([changed!.edgeId]);
  });

  it('an empty extraction deletes nothing', () => {
    const empty = { ...base, syncId: 'sync-empty', nodes: [], edges: [] };
    const { result, changes } = diffGraphs(stored(base), empty);
    expect(result.events).toEqual([]);
    expect(changes.upsertNodes).toEqual([]);
    expect(changes.removeEdgeIds).toEqual([]);
    expect(result.deletionsWithheld).toContain('node:automation:empty_extraction');
  });

  it('deletes only within the types the extraction saw completely', () => {
    const next: NormalizedGraph = { ...structuredClone(base), nodes: base.nodes.filter((n) => n.nodeType !== 'credential' && n.nodeType !== 'role') };
    next.nodes.push(...structuredClone(base.nodes.filter((n) => n.nodeType === 'role')).slice(1));
    next.extractionScope = { completeNodeTypes: ['role'], completeEdgeTypes: [] };
    const { result } = diffGraphs(stored(base), next);
    const deleted = result.events.filter((e) => e.eventType === 'deleted');
    expect(deleted.map((e) => e.entityType)).toEqual(['role']);
    expect(result.deletionsWithheld).toContain('node:credential:incomplete_extraction');
  });

  it('event ids are deterministic across runs and unique within a sync', () => {
    const next = mutateTenant(base, 0.05);
    const a = diffGraphs(stored(base), next).result.events.map((e) => e.eventId);
    const b = diffGraphs(stored(base), structuredClone(next)).result.events.map((e) => e.eventId);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });
});

describe('diff properties (fast-check)', () => {
  const seeds = fc.integer({ min: 1, max: 1_000_000 });
  const sizes = fc.integer({ min: 20, max: 300 });

  it('diffing a graph against itself yields nothing', () => {
    fc.assert(
      fc.property(seeds, sizes, (seed, nodes) => {
        const g = syntheticTenant({ nodes, seed });
        const { result } = diffGraphs(stored(g), structuredClone(g));
        return result.events.length === 0 && result.nodesCreated + result.nodesUpdated + result.nodesDeleted === 0;
      }),
      { numRuns: 40, maxSkipsPerRun: 1_000 },
    );
  });

  it('applying diff(a, b) to a yields b', () => {
    fc.assert(
      fc.property(seeds, sizes, fc.double({ min: 0.01, max: 0.5, noNaN: true }), (seed, nodes, fraction) => {
        const a = syntheticTenant({ nodes, seed });
        const b = mutateTenant(a, fraction, seed + 1);
        // The empty-extraction guard deliberately keeps a type that vanished entirely.
        fc.pre(sameTypes(a.nodes.map((n) => n.nodeType), b.nodes.map((n) => n.nodeType)));
        fc.pre(sameTypes(a.edges.map((e) => e.edgeType), b.edges.map((e) => e.edgeType)));
        const { changes } = diffGraphs(stored(a), b);
        expect(sortedJson(applyChanges(stored(a), changes))).toEqual(sortedJson(stored(b)));
      }),
      { numRuns: 40, maxSkipsPerRun: 1_000 },
    );
  });

  it('diffing against stored ids and hashes, with only the stale rows in full, equals diffing against the whole graph', () => {
    fc.assert(
      fc.property(seeds, sizes, fc.double({ min: 0.01, max: 0.5, noNaN: true }), fc.boolean(), (seed, nodes, fraction, partial) => {
        const a = syntheticTenant({ nodes, seed });
        const b = mutateTenant(a, fraction, seed + 1);
        // A partial extraction too: deletion scope must come out the same from hashes alone.
        if (partial) b.extractionScope = { completeNodeTypes: ['automation', 'identity'], completeEdgeTypes: ['USES', 'INVOKES'] };
        const { plan, previous } = hashedPrevious(a, b);
        const whole = diffGraphs(stored(a), b);
        const hashed = diffGraphs(previous, b, { classified: plan });
        expect(hashed.result).toEqual(whole.result);
        expect(hashed.changes).toEqual(whole.changes);
        // Without the classification passed in, the diff classifies itself.
        expect(diffGraphs(previous, b).result.events).toEqual(whole.result.events);
        // The classification's summary lets the diff look at the changed rows only; without one it
        // counts every row itself (a classification that made none): same answer either way.
        expect(plan.summary).toBeDefined();
        const unsummarized = diffGraphs(previous, b, { classified: { ...plan, summary: undefined } });
        expect(unsummarized.result).toEqual(whole.result);
        expect(unsummarized.changes).toEqual(whole.changes);
        const summarizedApart = diffGraphs(previous, b, { classified: { ...plan, summary: summarizeExtraction(b) } });
        expect(summarizedApart.result).toEqual(whole.result);
      }),
      { numRuns: 40, maxSkipsPerRun: 1_000 },
    );
  });

  it('a small change of a larger tenant: edge events take their node types from the extraction or, for a gone node, its stored state', () => {
    // Few edge events beside many nodes: the diff looks their source nodes' types up through a
    // small set of the asked ids, not a table of every node id (the path of a 1% sync).
    const a = syntheticTenant({ nodes: 3000, seed: 11 });
    const b = mutateTenant(a, 0.01, 12);
    const { plan, previous } = hashedPrevious(a, b);
    const whole = diffGraphs(stored(a), b).result;
    const hashed = diffGraphs(previous, b, { classified: plan }).result;
    const edgeEvents = hashed.events.filter((e) => e.edgeId !== undefined);
    expect(edgeEvents.length * 8).toBeLessThan(b.nodes.length);
    expect(edgeEvents.some((e) => e.eventType === 'relationship_removed' && !b.nodes.some((n) => n.nodeId === e.entityId))).toBe(true);
    expect(hashed).toEqual(whole);
    // The types found through the summary's node id hashes (the plan's), or by a pass over the nodes (none).
    expect(plan.summary).toBeDefined();
    expect(diffGraphs(previous, b, { classified: { ...plan, summary: undefined } }).result).toEqual(whole);
  });

  it('event order is stable whatever the input order', () => {
    fc.assert(
      fc.property(seeds, sizes, (seed, nodes) => {
        const a = syntheticTenant({ nodes, seed });
        const b = mutateTenant(a, 0.2, seed + 1);
        const shuffled = { ...b, nodes: fc.sample(fc.shuffledSubarray(b.nodes, { minLength: b.nodes.length }), { numRuns: 1, seed })[0]!, edges: [...b.edges].reverse() };
        const prevShuffled = { nodes: [...a.nodes].reverse(), edges: [...a.edges].reverse() };
        const one = diffGraphs(stored(a), b).result.events;
        const two = diffGraphs(prevShuffled, shuffled).result.events;
        expect(two.map((e) => [e.eventId, e.sequence])).toEqual(one.map((e) => [e.eventId, e.sequence]));
      }),
      { numRuns: 25 },
    );
  });

  it('a first sync (nothing stored) emits creations by node id, then additions by edge id, whatever the input order', () => {
    // Over 2,048 of each: sortedBy's native path, the one a large first sync takes.
    const g = syntheticTenant({ nodes: 3000, seed: 5 });
    const none: HashedPrevious = { nodeHashes: new Map(), edgeHashes: new Map(), changedNodes: new Map(), changedEdges: new Map() };
    const one = diffGraphs(none, g).result;
    const two = diffGraphs(none, { ...g, nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse() }).result;
    expect(two).toEqual(one);
    const ids = (type: string) => one.events.filter((e) => e.eventType === type).map((e) => (type === 'created' ? e.entityId : e.edgeId!));
    const byCodeUnit = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(ids('created')).toEqual(byCodeUnit(g.nodes.map((n) => n.nodeId)));
    expect(ids('relationship_added')).toEqual(byCodeUnit(g.edges.map((e) => e.edgeId)));
    expect(one.events.map((e) => e.eventType)).toEqual([...g.nodes.map(() => 'created'), ...g.edges.map(() => 'relationship_added')]);
    expect(one.events.map((e) => e.sequence)).toEqual(one.events.map((_, i) => i));
    expect(one.events.find((e) => e.eventType === 'relationship_added')!.entityType).toBe(g.nodes.find((n) => n.nodeId === one.events.find((e) => e.eventType === 'relationship_added')!.entityId)!.nodeType);
    expect(one).toMatchObject({ nodesCreated: g.nodes.length, edgesCreated: g.edges.length, nodesUpdated: 0, nodesDeleted: 0, edgesRemoved: 0 });
  });
});

/** What a store hands the diff for `a` (ids and hashes, the rows `b` makes stale in full), and the classification of `b`. */
function hashedPrevious(a: NormalizedGraph, b: NormalizedGraph): { plan: CurrentClassification; previous: HashedPrevious } {
  const state = { nodeHashes: new Map(a.nodes.map((n) => [n.nodeId, nodeContentHash(n)])), edgeHashes: new Map(a.edges.map((e) => [e.edgeId, edgeContentHash(e)])) };
  const plan = classifyCurrent(state, b);
  const stale = { nodes: new Set(plan.staleNodeIds), edges: new Set(plan.staleEdgeIds) };
  return {
    plan,
    previous: {
      ...state,
      changedNodes: new Map(a.nodes.filter((n) => stale.nodes.has(n.nodeId)).map((n) => [n.nodeId, n])),
      changedEdges: new Map(a.edges.filter((e) => stale.edges.has(e.edgeId)).map((e) => [e.edgeId, e])),
    },
  };
}

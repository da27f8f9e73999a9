// classifyState from fingerprints (diff/fingerprints.ts, sync/classify-state.ts) against
// classifyCurrent from the exact (id, hash) maps: the same answer, and the maps read whenever the
// fingerprints cannot decide. The stored side here is a table of rows in memory (a unit test of
// the classification logic); the SQLite store's own fingerprints are tested in the contract suite.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutateTenant, syntheticTenant } from '../../../bench/synthetic/tenant.ts';
import { CHANGED, classifyCurrent, NEW, SAME } from '../../../src/diff/index.ts';
import type { CurrentClassification } from '../../../src/diff/index.ts';
import { edgeContentHash, nodeContentHash, nodeFingerprint, rowFingerprint } from '../../../src/model/index.ts';
import type { NormalizedGraph } from '../../../src/model/index.ts';
import type { StoredFingerprints, StoredHashes } from '../../../src/storage/StorageAdapter.ts';
import { classifyState } from '../../../src/sync/classify-state.ts';

interface Row {
  id: string;
  hash: string;
  fp: number;
}

/** Stored rows of `graph` as a fingerprint store hands them over, counting reads of the exact maps. */
function storedAs(graph: NormalizedGraph, edit?: (rows: { nodes: Row[]; edges: Row[] }) => void) {
  const rows = {
    nodes: graph.nodes.map((n) => ({ id: n.nodeId, hash: nodeContentHash(n), fp: rowFingerprint(n.nodeId, nodeContentHash(n)) })),
    edges: graph.edges.map((e) => ({ id: e.edgeId, hash: edgeContentHash(e), fp: rowFingerprint(e.edgeId, edgeContentHash(e)) })),
  };
  edit?.(rows);
  const reads = { exact: 0, byFingerprint: 0 };
  const withFingerprints = (of: Row[]) => async (fps: readonly number[]) => {
    reads.byFingerprint += fps.length;
    const wanted = new Set(fps);
    return new Map(of.filter((r) => wanted.has(r.fp)).map((r) => [r.id, r.hash]));
  };
  const exact = (): StoredHashes => ({
    nodeHashes: new Map(rows.nodes.map((r) => [r.id, r.hash])),
    edgeHashes: new Map(rows.edges.map((r) => [r.id, r.hash])),
  });
  const state: StoredFingerprints = {
    stored: { nodes: rows.nodes.length > 0, edges: rows.edges.length > 0 },
    fingerprints: async () => ({ nodes: Float64Array.from(rows.nodes.map((r) => r.fp)), edges: Float64Array.from(rows.edges.map((r) => r.fp)) }),
    nodesWith: withFingerprints(rows.nodes),
    edgesWith: withFingerprints(rows.edges),
    hashes: async () => {
      reads.exact++;
      return exact();
    },
  };
  return { state, reads, exact };
}

/** A classification with its stale ids in one order (they are a set to the diff). */
const normalized = ({ summary: _summary, ...c }: CurrentClassification) => ({
  ...c,
  staleNodeIds: [...c.staleNodeIds].sort(),
  staleEdgeIds: [...c.staleEdgeIds].sort(),
});

describe('classifyState from fingerprints', () => {
  const base = syntheticTenant({ nodes: 400, seed: 5, tenantId: 'fp-tenant' });

  it('classifies a changed extraction as the exact maps do, reading back only the unmatched rows', async () => {
    const next = mutateTenant(base, 0.02, 3, 'sync-2');
    const { state, reads, exact } = storedAs(base);
    const got = await classifyState(state, next);
    const want = classifyCurrent(exact(), next);
    expect(normalized(got.classified)).toEqual(normalized(want));
    expect(reads.exact).toBe(0);
    // Every status occurs; what was read back is the stale rows, and the diff gets their hashes.
    expect([SAME, NEW, CHANGED].every((s) => got.classified.nodeStatus.includes(s) || got.classified.edgeStatus.includes(s))).toBe(true);
    expect(reads.byFingerprint).toBe(want.staleNodeIds.length + want.staleEdgeIds.length);
    expect([...got.hashes.nodeHashes.keys()].sort()).toEqual([...want.staleNodeIds].sort());
    expect(got.hashes.nodeHashes.get(want.staleNodeIds[0]!)).toBe(exact().nodeHashes.get(want.staleNodeIds[0]!));
    // The pass also summed up the extraction for the steps after it.
    const summary = got.classified.summary!;
    const countOf = <T>(items: readonly T[], key: (t: T) => string) =>
      items.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map<string, number>());
    expect(summary.nodeTypeCounts()).toEqual(countOf(next.nodes, (n) => n.nodeType));
    expect(summary.edgeTypeCounts()).toEqual(countOf(next.edges, (e) => e.edgeType));
    expect(summary.scopeCounts()).toEqual(countOf(next.nodes, (n) => n.sourceScope));
    const asked = [next.nodes[7]!.nodeId, next.nodes.at(-1)!.nodeId, 'no-such-node', `${next.nodes[0]!.nodeId}-not`];
    expect(summary.positionsOf(asked)).toEqual(
      new Map([
        [asked[0]!, 7],
        [asked[1]!, next.nodes.length - 1],
      ]),
    );
  });

  it('agrees with the exact maps on any seeded change', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.005, max: 0.3, noNaN: true }), async (seed, fraction) => {
        const small = syntheticTenant({ nodes: 60, seed, tenantId: 'fp-prop' });
        const next = mutateTenant(small, fraction, seed + 1, 'sync-2');
        const { state, exact } = storedAs(small);
        expect(normalized((await classifyState(state, next)).classified)).toEqual(normalized(classifyCurrent(exact(), next)));
      }),
      { numRuns: 60 },
    );
  });

  it('a first sync (nothing stored) is all NEW, with nothing read', async () => {
    const { state, reads } = storedAs({ ...base, nodes: [], edges: [] });
    const got = await classifyState(state, base);
    expect(got.classified.nodeStatus.every((s) => s === NEW) && got.classified.edgeStatus.every((s) => s === NEW)).toBe(true);
    expect(got.classified.staleNodeIds).toEqual([]);
    expect(reads).toEqual({ exact: 0, byFingerprint: 0 });
  });

  it('two stored rows with one fingerprint: the exact maps decide', async () => {
    const next = mutateTenant(base, 0.02, 3, 'sync-2');
    const { state, reads, exact } = storedAs(base, (rows) => {
      rows.nodes[1]!.fp = rows.nodes[0]!.fp;
    });
    expect(normalized((await classifyState(state, next)).classified)).toEqual(normalized(classifyCurrent(exact(), next)));
    expect(reads.exact).toBe(1);
  });

  it("a changed row whose new fingerprint is a gone row's old one: noticed when its own row is read back, and the maps decide", async () => {
    const [changedBefore, gone] = [base.nodes[3]!, base.nodes[4]!];
    const changed = { ...changedBefore, displayName: `${changedBefore.displayName} (renamed)` };
    const next: NormalizedGraph = {
      ...base,
      nodes: base.nodes.filter((n) => n !== gone).map((n) => (n === changedBefore ? changed : n)),
      edges: base.edges.filter((e) => e.sourceNodeId !== gone.nodeId && e.targetNodeId !== gone.nodeId),
    };
    const { state, reads, exact } = storedAs(base, (rows) => {
      rows.nodes.find((r) => r.id === gone.nodeId)!.fp = rowFingerprint(changed.nodeId, nodeContentHash(changed));
    });
    const want = classifyCurrent(exact(), next);
    expect(want.staleNodeIds.sort()).toEqual([changed.nodeId, gone.nodeId].sort());
    expect(normalized((await classifyState(state, next)).classified)).toEqual(normalized(want));
    expect(reads.exact).toBe(1);
  });

  it('rows read back that do not answer the fingerprints asked (written since): the maps decide', async () => {
    const next = mutateTenant(base, 0.02, 3, 'sync-2');
    const { state, reads, exact } = storedAs(base);
    const nodesWith = state.nodesWith;
    state.nodesWith = async (fps) => new Map([...(await nodesWith(fps))].slice(1));
    expect(normalized((await classifyState(state, next)).classified)).toEqual(normalized(classifyCurrent(exact(), next)));
    expect(reads.exact).toBe(1);
  });

  it('a change of most of the rows reads the maps, not thousands of rows one fingerprint at a time', async () => {
    const large = syntheticTenant({ nodes: 2_000, seed: 8, tenantId: 'fp-large' });
    const next = mutateTenant(large, 0.9, 4, 'sync-2');
    const { state, reads, exact } = storedAs(large);
    expect(normalized((await classifyState(state, next)).classified)).toEqual(normalized(classifyCurrent(exact(), next)));
    expect(reads).toEqual({ exact: 1, byFingerprint: 0 });
  });
});

describe('rowFingerprint', () => {
  it('is a finite, non-zero number, the same for the same row and apart for rows that differ anywhere', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `custom:scope:id${i}`);
    const fps = ids.map((id) => rowFingerprint(id, 'hash'));
    expect(fps.every((fp) => Number.isFinite(fp) && fp !== 0)).toBe(true);
    expect(new Set(fps).size).toBe(ids.length);
    expect(rowFingerprint('a', 'h')).toBe(rowFingerprint('a', 'h'));
    expect(rowFingerprint('ab', 'c')).not.toBe(rowFingerprint('a', 'bc'));
    expect(rowFingerprint('id', 'h1')).not.toBe(rowFingerprint('id', 'h2'));
    // Spread over the whole 63 bits: both signs and many exponents occur.
    expect(new Set(fps.map((fp) => Math.sign(fp))).size).toBe(2);
    expect(new Set(fps.map((fp) => Math.floor(Math.log2(Math.abs(fp))))).size).toBeGreaterThan(900);
  });
});

describe('nodeFingerprint', () => {
  it("is rowFingerprint of the node's id and content hash, made from the hash's lanes without its string", () => {
    const { nodes } = syntheticTenant({ nodes: 3_000, seed: 9, tenantId: 'fp-nodes' });
    for (const node of nodes) expect(nodeFingerprint(node)).toBe(rowFingerprint(node.nodeId, nodeContentHash(node)));
    // A hash of an older format (not 22 base64url digits) still fingerprints, apart from the current one.
    const node = nodes[0]!;
    const sha1Like = 'q83vEjRWeJq83vEjRWeJq83vEjQ=';
    expect(rowFingerprint(node.nodeId, sha1Like)).not.toBe(nodeFingerprint(node));
    expect(Number.isFinite(rowFingerprint(node.nodeId, sha1Like))).toBe(true);
  });
});

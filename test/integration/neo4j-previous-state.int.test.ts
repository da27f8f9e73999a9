// previousState on Neo4j comes back as lists of ids and lists of hashes (src/storage/neo4j/hash-pairs.ts): ids
// with spaces, newlines and characters outside the BMP must come back whole, on the right side
// (nodes or edges), and every row must arrive — also across the lists' slices (HASH_SLICE a
// record), for nodes and for one relationship type's edges.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeContentHash, makeEdgeId, nodeContentHash } from '../../src/model/index.ts';
import type { NormalizedEdge, NormalizedNode } from '../../src/model/index.ts';
import { HASH_SLICE } from '../../src/storage/neo4j/hash-pairs.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

describe('Neo4j previousState', () => {
  let neo4j: Neo4jStorageAdapter;
  const tenantId = uniqueTenant('previous-state');

  beforeAll(async () => {
    neo4j = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    await neo4j.purgeTenant(tenantId);
    await neo4j.close();
  });

  it('gives back every id and content hash the connector stored, whatever the id holds', async () => {
    const graph = sampleTenant(tenantId);
    const template = graph.nodes.find((n) => n.nodeType === 'resource')!;
    const awkward = ['with space', 'two\nlines', 'ends with newline\n', ' leading space', 'tab\there', 'astral 😀 ünïcode', 'a b\nc d'];
    const extra: NormalizedNode[] = [
      ...awkward.map((sourceId) => ({ ...template, nodeId: `custom:odd:${sourceId}`, sourceId })),
      // Past two slices, and not a whole number of them.
      ...Array.from({ length: 2 * HASH_SLICE + 7 }, (_, i) => ({ ...template, nodeId: `custom:many:${i}`, sourceId: `many-${i}` })),
    ] as NormalizedNode[];
    const owner = graph.nodes.find((n) => n.nodeType === 'human_identity')!;
    const extraEdges: NormalizedEdge[] = extra.map((n, i) => ({
      edgeId: i < awkward.length ? `${makeEdgeId('OWNED_BY', n.nodeId, owner.nodeId)} ${n.sourceId}` : makeEdgeId('OWNED_BY', n.nodeId, owner.nodeId),
      edgeType: 'OWNED_BY',
      sourceNodeId: n.nodeId,
      targetNodeId: owner.nodeId,
      properties: {},
    }));
    const full = { ...graph, nodes: [...graph.nodes, ...extra], edges: [...graph.edges, ...extraEdges] };
    await applyGraph(neo4j, full);

    const state = await neo4j.previousState(tenantId, graph.connectorId);
    const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sorted(state.nodeHashes)).toEqual(sorted(new Map(full.nodes.map((n) => [n.nodeId, nodeContentHash(n)]))));
    expect(sorted(state.edgeHashes)).toEqual(sorted(new Map(full.edges.map((e) => [e.edgeId, edgeContentHash(e)]))));
    expect(await neo4j.previousState(tenantId, 'another-connector')).toEqual({ nodeHashes: new Map(), edgeHashes: new Map() });
  });
});

// A sync that reads the stored graph through content hashes (previousGraphFor) reaches the same
// diff as one that reads every row in full (getGraphForConnector).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGraphs } from '../../src/diff/index.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

describe('Neo4j previous graph through stored hashes', () => {
  let storage: Neo4jStorageAdapter;
  const tenantId = uniqueTenant('hashes');

  beforeAll(async () => {
    storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    await storage.purgeTenant(tenantId);
    await storage.close();
  });

  it('gives the same changes and events as the full read, reading only what changed', async () => {
    const first = syntheticTenant({ nodes: 600, tenantId, seed: 21 });
    await applyGraph(storage, first);
    // A node tombstoned outside the sync must not come back as live.
    await storage.deleteNode(tenantId, first.nodes[0]!.nodeId);
    const next = mutateTenant(first, 0.05, 5, 'sync-next');

    const full = diffGraphs(await storage.getGraphForConnector(tenantId, next.connectorId), next);
    const { previous, nodeHashes, edgeHashes } = await storage.previousGraphFor(next);
    const hashed = diffGraphs(previous, next, { previousNodeHashes: nodeHashes, previousEdgeHashes: edgeHashes });

    expect(hashed.result).toEqual(full.result);
    expect(hashed.changes).toEqual(full.changes);
    expect(full.result.nodesUpdated + full.result.nodesDeleted + full.result.nodesCreated).toBeGreaterThan(0);
    expect(nodeHashes.has(first.nodes[0]!.nodeId)).toBe(false);
    // Unchanged rows are the current objects themselves: nothing was parsed for them.
    const reused = previous.nodes.filter((n) => next.nodes.includes(n)).length;
    expect(reused).toBeGreaterThan(previous.nodes.length * 0.8);
  });
});

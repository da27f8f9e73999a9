import { describe, expect, it } from 'vitest';
import { chainId, findExecutionChains } from '../../../src/analysis/execution-chains.ts';
import { DriftContext } from '../../../src/drift/drift-context.ts';
import type { NormalizedGraph } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { syntheticTenant } from '../../../bench/synthetic/tenant.ts';
import { sampleSyncs } from '../../support/sample-history.ts';
import { freshTenant } from '../../support/sample-tenant.ts';

// Drift asks which chains run through an expiring credential by walking back from the credential
// alone; the answer must be exactly the chains to its identity that contain it.
async function expectSameAsFullChains(graph: NormalizedGraph): Promise<number> {
  const storage = MemoryStorageAdapter.create();
  await applyGraph(storage, graph);
  const at = graph.transformedAt;
  const ctx = new DriftContext(storage, graph.tenantId, at, at);
  let compared = 0;
  for (const credential of graph.nodes.filter((n) => n.nodeType === 'credential')) {
    for (const auth of graph.edges.filter((e) => e.sourceNodeId === credential.nodeId && e.edgeType === 'AUTHENTICATES_AS')) {
      const full = (await findExecutionChains(storage, graph.tenantId, { to: auth.targetNodeId, asOf: at })).filter((c) =>
        c.nodes.some((n) => n.nodeId === credential.nodeId),
      );
      const through = await ctx.chainsThroughCredential(credential.nodeId, auth, at);
      expect(through.map(chainId)).toEqual(full.map(chainId));
      compared += full.length;
    }
  }
  return compared;
}

describe('chains through one credential', () => {
  it('are the chains to its identity that contain it, on the sample tenant', async () => {
    const [one] = sampleSyncs(freshTenant('through'));
    expect(await expectSameAsFullChains(one!)).toBeGreaterThan(0);
  });

  it('are the chains to its identity that contain it, on a synthetic tenant with shared identities', async () => {
    const graph = syntheticTenant({ nodes: 4_000, seed: 5, tenantId: freshTenant('through-synthetic'), connectorId: 'synthetic' });
    expect(await expectSameAsFullChains(graph)).toBeGreaterThan(20);
  });
});

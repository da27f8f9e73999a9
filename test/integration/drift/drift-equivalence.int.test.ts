import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDrift } from '../../../src/drift/compute-drift.ts';
import { computeDriftFromScratch } from '../../../src/drift/drift-from-scratch.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import { makeEdgeId } from '../../../src/model/index.ts';
import type { DriftReport, EdgeType, NormalizedEdge, NormalizedGraph, NormalizedNode } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { makeNode, mutateTenant, syntheticTenant } from '../../../bench/synthetic/tenant.ts';
import { pick, seededRandom } from '../../../bench/synthetic/random.ts';
import { graphOf, runScenario } from '../../support/connectors-harness.ts';
import { neo4jUri } from '../../support/services.ts';
import { sampleSyncs } from '../../support/sample-history.ts';
import { SAMPLE_IDS, freshTenant } from '../../support/sample-tenant.ts';

// Drift from the change (computeDrift: chains compared only through what the window changed)
// must give exactly the findings of drift that recomputes every chain at both ends
// (computeDriftFromScratch): every field, in the same order, over every window of a history.

const DAY = 86_400_000;
const at = (day: number) => new Date(Date.UTC(2026, 5, 1) + day * DAY).toISOString();

/**
 * Applies the steps a day apart (a step's graphs, one per connector, a minute apart) and compares
 * both drifts over every window between steps; returns the findings by type, summed.
 */
async function expectSameDriftOverHistory(storage: StorageAdapter, tenantId: string, steps: NormalizedGraph[][]): Promise<Record<string, number>> {
  const syncIds: string[] = [];
  for (const [i, graphs] of steps.entries()) {
    for (const [j, g] of graphs.entries()) {
      const syncId = `${tenantId}-s${i}-${j}`;
      await applyGraph(storage, { ...g, tenantId, syncId, transformedAt: new Date(Date.parse(at(i)) + j * 60_000).toISOString() });
      if (j === graphs.length - 1) syncIds.push(syncId);
    }
  }
  const seen: Record<string, number> = {};
  for (let a = 0; a < syncIds.length; a++) {
    for (let b = a + 1; b < syncIds.length; b++) {
      const window = { since: syncIds[a]!, until: syncIds[b]! };
      const incremental = await computeDrift(storage, tenantId, window);
      const scratch = await computeDriftFromScratch(storage, tenantId, window);
      expect(brief(incremental), `${window.since} → ${window.until}`).toEqual(brief(scratch));
      expect(incremental.findings).toEqual(scratch.findings);
      for (const f of incremental.findings) seen[f.type] = (seen[f.type] ?? 0) + 1;
    }
  }
  return seen;
}

const brief = (r: DriftReport) => r.findings.map((f) => `${f.type} ${f.severity} ${f.entityIds.join(' ')}`);

/**
 * A next sync of the synthetic tenant with the changes drift must follow, each several times at
 * random: a chain broken in the middle (an INVOKES or CALLS edge removed), nodes deleted along
 * chains (a connection, a credential, an identity, an automation), new callers (longer chains,
 * whose tails stop being reported), library code turned into an entry point and back, a
 * credential that loses its identity (a partial chain appears) or a connection that gains one, an
 * owner replaced or gone, a credential whose expiry moves into the window.
 */
function reshape(graph: NormalizedGraph, seed: number): NormalizedGraph {
  const rand = seededRandom(seed);
  const nodes = new Map(graph.nodes.map((n) => [n.nodeId, structuredClone(n)]));
  const edges = new Map(graph.edges.map((e) => [e.edgeId, structuredClone(e)]));
  const ofType = (t: string) => [...nodes.values()].filter((n) => n.nodeType === t);
  const edgesOf = (t: EdgeType) => [...edges.values()].filter((e) => e.edgeType === t);
  const addEdge = (edgeType: EdgeType, from: NormalizedNode, to: NormalizedNode) => {
    const edgeId = makeEdgeId(edgeType, from.nodeId, to.nodeId);
    edges.set(edgeId, { edgeId, edgeType, sourceNodeId: from.nodeId, targetNodeId: to.nodeId, properties: {} } as NormalizedEdge);
  };
  for (let i = 0; i < 6; i++) {
    for (const t of ['INVOKES', 'CALLS', 'USES', 'AUTHENTICATES_AS', 'RUNS_AS', 'OWNED_BY'] as EdgeType[]) {
      const list = edgesOf(t);
      if (list.length) edges.delete(pick(rand, list).edgeId);
    }
    for (const t of ['connection', 'credential', 'identity', 'automation', 'human_identity']) nodes.delete(pick(rand, ofType(t)).nodeId);
    const automations = ofType('automation');
    const includes = automations.filter((a) => a.nodeType === 'automation' && a.properties.automationSubtype === 'script_include');
    addEdge('CALLS', pick(rand, automations), pick(rand, includes));
    addEdge('CALLS', pick(rand, includes), pick(rand, includes));
    addEdge('INVOKES', pick(rand, automations), pick(rand, ofType('connection')));
    addEdge('USES', pick(rand, ofType('connection')), pick(rand, ofType('credential')));
    addEdge('AUTHENTICATES_AS', pick(rand, ofType('credential')), pick(rand, ofType('identity')));
    addEdge('OWNED_BY', pick(rand, ofType('identity')), pick(rand, ofType('human_identity')));
    const flip = pick(rand, automations);
    if (flip.nodeType === 'automation') {
      flip.properties.automationSubtype = flip.properties.automationSubtype === 'script_include' ? 'business_rule' : 'script_include';
    }
    const leaver = pick(rand, ofType('human_identity'));
    if (leaver.nodeType === 'human_identity') leaver.properties.accountEnabled = false;
    const expiring = pick(rand, ofType('credential'));
    if (expiring.nodeType === 'credential') expiring.properties.expiresAt = new Date(Date.parse(graph.transformedAt) + (5 + i) * DAY).toISOString();
  }
  const live = [...edges.values()].filter((e) => nodes.has(e.sourceNodeId) && nodes.has(e.targetNodeId));
  return { ...graph, nodes: [...nodes.values()], edges: live };
}

describe('drift from the change equals drift recomputing every chain', () => {
  it('on the synthetic tenant, over reshaped and randomly changed syncs (every finding type that chains drive appears)', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift-eq-synthetic');
    const first = syntheticTenant({ nodes: 3_000, seed: 31, tenantId, transformedAt: at(0) });
    const second = reshape({ ...first, transformedAt: at(1) }, 1);
    const third = mutateTenant({ ...second, transformedAt: at(2) }, 0.03, 5, 'x');
    const fourth = reshape({ ...third, transformedAt: at(3) }, 2);
    const seen = await expectSameDriftOverHistory(storage, tenantId, [[first], [second], [third], [fourth]]);
    for (const type of [
      'chain_added',
      'chain_removed',
      'partial_chain_added',
      'partial_chain_removed',
      'owner_changed',
      'became_orphaned',
      'credential_expiring',
    ]) {
      expect(seen[type] ?? 0, type).toBeGreaterThan(0);
    }
  });

  it('on Neo4j too: the same reshaped history', async () => {
    const storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
    try {
      const tenantId = freshTenant('drift-eq-neo4j');
      const first = syntheticTenant({ nodes: 400, seed: 32, tenantId, transformedAt: at(0) });
      const seen = await expectSameDriftOverHistory(storage, tenantId, [[first], [reshape({ ...first, transformedAt: at(1) }, 3)]]);
      expect(seen.chain_removed ?? 0).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });
});

describe('drift from the change: a chain whose tail gains or loses a caller', () => {
  // rule → include → connection → credential → identity; then a job calls the rule (the rule's
  // chain becomes the tail of the job's: one chain gone, one new, though nothing on the old
  // chain changed); then the job's call is cut in the middle of nothing but its own edge.
  const rand = seededRandom(3);
  const node = (type: 'automation' | 'connection' | 'credential' | 'identity', i: number, subtype?: string): NormalizedNode => {
    const n = makeNode(type, i, rand);
    if (n.nodeType === 'automation' && subtype) n.properties.automationSubtype = subtype as typeof n.properties.automationSubtype;
    if (n.nodeType === 'credential') delete n.properties.expiresAt;
    return n;
  };
  const [rule, include, job] = [node('automation', 1, 'business_rule'), node('automation', 2, 'script_include'), node('automation', 3, 'scheduled_job')];
  const [api, secret, principal] = [node('connection', 1), node('credential', 1), node('identity', 1)];
  const edge = (edgeType: EdgeType, from: NormalizedNode, to: NormalizedNode): NormalizedEdge => ({
    edgeId: makeEdgeId(edgeType, from.nodeId, to.nodeId),
    edgeType,
    sourceNodeId: from.nodeId,
    targetNodeId: to.nodeId,
    properties: {},
  });
  const chain = [edge('CALLS', rule, include), edge('INVOKES', include, api), edge('USES', api, secret), edge('AUTHENTICATES_AS', secret, principal)];
  const graph = (edges: NormalizedEdge[]): NormalizedGraph => ({
    syncId: 'x',
    connectorId: 'synthetic',
    tenantId: 'x',
    transformedAt: at(0),
    nodes: [rule, include, job, api, secret, principal],
    edges,
    temporalMarkers: [],
    evidenceCompleteness: { sources: {} },
  });

  it.each([
    ['memory', async (): Promise<StorageAdapter> => MemoryStorageAdapter.create()],
    ['neo4j', async (): Promise<StorageAdapter> => Neo4jStorageAdapter.connect({ uri: neo4jUri() })],
  ])('reports the tail gone and the longer chain new, as recomputing every chain does: %s', async (_name, open) => {
    const storage = await open();
    try {
      const tenantId = freshTenant('drift-tail');
      await expectSameDriftOverHistory(storage, tenantId, [[graph(chain)], [graph([edge('CALLS', job, rule), ...chain])], [graph(chain)]]);
      const kinds = async (since: string, until: string) =>
        (await computeDrift(storage, tenantId, { since, until })).findings.filter((f) => f.type.startsWith('chain_')).map((f) => [f.type, f.entityIds[0]]);
      expect(await kinds(`${tenantId}-s0-0`, `${tenantId}-s1-0`)).toEqual([
        ['chain_added', job.nodeId],
        ['chain_removed', rule.nodeId],
      ]);
      expect(await kinds(`${tenantId}-s1-0`, `${tenantId}-s2-0`)).toEqual([
        ['chain_added', rule.nodeId],
        ['chain_removed', job.nodeId],
      ]);
      expect(await kinds(`${tenantId}-s0-0`, `${tenantId}-s2-0`)).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});

describe('drift from the change equals drift recomputing every chain, on the connectors’ recorded API responses', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await new ReplayServer().start();
  });
  afterAll(async () => server.close());

  /** Each step: both connectors' graphs from one pair of scenarios, through the real pipeline (cross-system edges resolved). */
  const history = async (steps: { entra: string; servicenow: string }[]) => {
    const out: NormalizedGraph[][] = [];
    for (const step of steps) {
      const run = await runScenario(server, step);
      out.push([graphOf(run, 'entra_id'), graphOf(run, 'servicenow')]);
    }
    return out;
  };

  it('ServiceNow beside Entra ID, through their scenarios: chain verdicts, an orphaned owner, credential expiry, scope drift, and back', async () => {
    const steps = await history([
      { entra: 'happy-path', servicenow: 'happy-path' },
      { entra: 'happy-path', servicenow: 'chain-verdicts' },
      { entra: 'orphaned-owner', servicenow: 'orphaned-owner' },
      { entra: 'credential-expiry', servicenow: 'credential-expiry' },
      { entra: 'scope-drift', servicenow: 'scope-drift' },
      { entra: 'happy-path', servicenow: 'happy-path' },
    ]);
    // Then the recorded happy path with chains broken on the ServiceNow side: every CALLS edge
    // gone (chains broken in the middle), then the connections deleted too, then all back.
    const [entra, sn] = steps[0]!;
    const noCalls = { ...sn!, edges: sn!.edges.filter((e) => e.edgeType !== 'CALLS') };
    const connections = new Set(sn!.nodes.filter((n) => n.nodeType === 'connection').map((n) => n.nodeId));
    const noConnections = {
      ...noCalls,
      nodes: noCalls.nodes.filter((n) => !connections.has(n.nodeId)),
      edges: noCalls.edges.filter((e) => !connections.has(e.sourceNodeId) && !connections.has(e.targetNodeId)),
    };
    steps.push([entra!, noCalls], [entra!, noConnections], [entra!, sn!]);
    const seen = await expectSameDriftOverHistory(MemoryStorageAdapter.create(), freshTenant('drift-eq-fixtures'), steps);
    // These recorded scenarios hold partial chains (the basic-auth connection) but no complete one.
    for (const type of ['partial_chain_added', 'partial_chain_removed', 'became_orphaned', 'scope_expanded', 'credential_added', 'cross_system_link_added']) {
      expect(seen[type] ?? 0, `${type} in ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    }
  });

  it('the shipped Entra ID + ServiceNow sample history, then chains broken in the middle, a connection and an identity deleted, an owner gone, and back', async () => {
    const tenantId = freshTenant('drift-eq-sample');
    const [one, two, three] = sampleSyncs(tenantId);
    const broken = {
      ...three!,
      nodes: three!.nodes
        .filter((n) => n.nodeId !== SAMPLE_IDS.graphPrincipal)
        .map((n) => (n.nodeType === 'human_identity' && n.nodeId.endsWith('u-carol') ? { ...n, properties: { ...n.properties, accountEnabled: false } } : n)),
      edges: three!.edges.filter(
        (e) =>
          !(e.edgeType === 'CALLS' && e.sourceNodeId === SAMPLE_IDS.scheduledJob) &&
          e.sourceNodeId !== SAMPLE_IDS.graphPrincipal &&
          e.targetNodeId !== SAMPLE_IDS.graphPrincipal,
      ),
    };
    const seen = await expectSameDriftOverHistory(MemoryStorageAdapter.create(), tenantId, [[one!], [two!], [three!], [broken], [one!]]);
    for (const type of [
      'chain_added',
      'chain_removed',
      'became_orphaned',
      'scope_expanded',
      'credential_added',
      'credential_expired_in_use',
      'owner_changed',
      'partial_chain_added',
    ]) {
      expect(seen[type] ?? 0, `${type} in ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    }
  });
});

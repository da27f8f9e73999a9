import { findExecutionChains } from '../src/analysis/execution-chains.ts';
import type { NormalizedGraph, SyncState } from '../src/model/index.ts';
import { Neo4jStorageAdapter } from '../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { applyGraph } from '../src/sync/apply-graph.ts';
import { hr, intArg, percentile, timed } from './report.ts';
import { seededRandom } from './synthetic/random.ts';
import { mutateTenant, syntheticTenant } from './synthetic/tenant.ts';

// History on Neo4j (reads as of a moment) on the synthetic tenant:
//   1. a full load, then two 1%-change syncs a day apart (applyGraph: diff + one commitSync);
//   2. how much history that leaves: archived node versions and history relationships beside the
//      current graph, after each sync (it should follow the changes, not the graph size);
//   3. execution chains ending at one identity (findExecutionChains), now and as of the first
//      sync (before both changes) and as of the second: p50 / p99.
//
//   node --max-old-space-size=8192 --import tsx bench/drift-asof.bench.ts -- [--nodes=100000] [--queries=200] [--keep]
// NEO4J_URI selects the server; without it scripts/services.mjs starts the local one.

const size = intArg('nodes', 100_000);
const queries = intArg('queries', 200);
const uri = process.env.NEO4J_URI ?? (await servicesUri());
const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(2)}%`;

async function servicesUri(): Promise<string> {
  const services = (await import('../scripts/services.mjs')) as { ensureServices: (o?: object) => Promise<{ neo4jUri: string }> };
  return (await services.ensureServices({ services: ['neo4j'] })).neo4jUri;
}

function syncState(graph: NormalizedGraph): SyncState {
  const at = graph.transformedAt;
  return { syncId: graph.syncId, tenantId: graph.tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: at, completedAt: at, validAt: at, errors: [] };
}

/** Identities at the end of at least one execution chain, sampled with repeats (bench/neo4j.bench.ts). */
function chainEnds(graph: NormalizedGraph, count: number): string[] {
  const invoked = new Set(graph.edges.filter((e) => e.edgeType === 'INVOKES').map((e) => e.targetNodeId));
  const used = new Set(graph.edges.filter((e) => e.edgeType === 'USES' && invoked.has(e.sourceNodeId)).map((e) => e.targetNodeId));
  const ends = [
    ...new Set(graph.edges.filter((e) => (e.edgeType === 'AUTHENTICATES_AS' && used.has(e.sourceNodeId)) || e.edgeType === 'RUNS_AS').map((e) => e.targetNodeId)),
  ].sort();
  const rand = seededRandom(11);
  return Array.from({ length: Math.min(count, ends.length) }, () => ends[Math.floor(rand() * ends.length)]!);
}

const storage = await Neo4jStorageAdapter.connect({ uri });
const tenantId = `bench-asof-${size}-${Date.now().toString(36)}`;
hr(`Neo4j history: ${fmt(size)} nodes (${uri})`);

// The first sync's data is valid from the load (the bulk path writes "now"); the next syncs are
// a day apart after it, as a daily sync would be.
const first = syntheticTenant({ nodes: size, seed: 42, tenantId, transformedAt: new Date().toISOString() });
const graphRows = first.nodes.length + first.edges.length;
console.log(`synthetic tenant: ${fmt(first.nodes.length)} nodes, ${fmt(first.edges.length)} edges`);
const load = await timed(async () => {
  await storage.bulkUpsertNodes(tenantId, first.nodes, { connectorId: first.connectorId });
  await storage.bulkUpsertEdges(tenantId, first.edges, { connectorId: first.connectorId });
  await storage.saveSyncState(tenantId, syncState(first));
});
const asOfFirst = new Date().toISOString();
let stats = await storage.historyStats(tenantId);
console.log(`full load: ${secs(load.ms)}; history rows: ${fmt(stats.archivedNodeVersions + stats.archivedEdgeVersions)} (the current graph holds every first version)`);

const ends = chainEnds(first, queries);
const second = mutateTenant(first, 0.01, 7, 'sync-2');
const third = mutateTenant(second, 0.01, 8, 'sync-3');
let previousArchived = 0;
for (const graph of [second, third]) {
  const sync = await timed(() => applyGraph(storage, graph));
  const r = sync.value;
  stats = await storage.historyStats(tenantId);
  const archived = stats.archivedNodeVersions + stats.archivedEdgeVersions;
  const changed = r.nodesUpdated + r.nodesDeleted + r.edgesUpdated + r.edgesRemoved;
  console.log(
    `${graph.syncId} (1% change, ${secs(sync.ms)}): ~${r.nodesUpdated} -${r.nodesDeleted} +${r.nodesCreated} nodes, ~${r.edgesUpdated} -${r.edgesRemoved} +${r.edgesCreated} edges → ` +
      `history +${fmt(archived - previousArchived)} rows (${fmt(changed)} replaced or removed versions), total ${fmt(stats.archivedNodeVersions)} node versions + ` +
      `${fmt(stats.archivedEdgeVersions)} edge versions = ${pct(archived, graphRows)} of the graph (${fmt(stats.liveNodes)} nodes + ${fmt(stats.liveEdges)} edges)`,
  );
  previousArchived = archived;
}

// The three moments are interleaved identity by identity (in rotating order), so load on a shared
// machine falls on each alike; compare them with each other, not with other runs.
const moments: [string, string | undefined][] = [
  ['now', undefined],
  [`as of the first sync (${asOfFirst}, two syncs back)`, asOfFirst],
  [`as of sync-2 (${second.transformedAt}, one sync back)`, second.transformedAt],
];
const chainsTo = (to: string, asOf: string | undefined) => findExecutionChains(storage, tenantId, { to, ...(asOf ? { asOf } : {}) });
for (const id of ends.slice(0, 10)) for (const [, asOf] of moments) await chainsTo(id, asOf); // warm-up
const ms = moments.map(() => [] as number[]);
const chains = moments.map(() => 0);
for (const [i, id] of ends.entries()) {
  for (let k = 0; k < moments.length; k++) {
    const m = (i + k) % moments.length;
    const q = await timed(() => chainsTo(id, moments[m]![1]));
    ms[m]!.push(q.ms);
    chains[m]! += q.value.length;
  }
}
moments.forEach(([label], m) => {
  const sorted = ms[m]!.sort((a, b) => a - b);
  console.log(
    `chains ending at one identity, ${label}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, ` +
      `max ${sorted.at(-1)?.toFixed(1)} ms over ${fmt(sorted.length)} identities (${(chains[m]! / Math.max(1, sorted.length)).toFixed(1)} chains each)`,
  );
});

if (!process.argv.includes('--keep')) await storage.purgeTenant(tenantId);
await storage.close();

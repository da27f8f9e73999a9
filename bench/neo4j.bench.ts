import neo4j from 'neo4j-driver';
import { findExecutionChains } from '../src/analysis/execution-chains.ts';
import { diffGraphs } from '../src/diff/index.ts';
import type { NormalizedGraph, SyncState } from '../src/model/index.ts';
import { render } from '../src/storage/neo4j/cypher-files.ts';
import { Executor } from '../src/storage/neo4j/Executor.ts';
import { Neo4jStorageAdapter } from '../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { edgeRow, nodeRow } from '../src/storage/neo4j/rows.ts';
import { DEFAULT_BATCH_SIZE } from '../src/storage/neo4j/statements.ts';
import { disableNagleFor, portOf } from '../src/storage/neo4j/tcp-no-delay.ts';
import { applyGraph } from '../src/sync/apply-graph.ts';
import { readPreviousGraph } from '../src/sync/previous-graph.ts';
import { hr, intArg, machineLoad, peakRssMiB, percentile, rate, timed } from './report.ts';
import { seededRandom } from './synthetic/random.ts';
import { mutateTenant, syntheticTenant } from './synthetic/tenant.ts';

// Neo4j adapter benchmark on the synthetic tenant (bench/synthetic/tenant.ts, ~3 edges a node):
//   1. the ceiling: bare UNWIND … CREATE of the same rows on the same server;
//   2. a full load through the adapter (bulk path: bulkUpsertNodes, bulkUpsertEdges creating the
//      edges as a first sync's commit does for edges its diff found new), and for
//      sizes up to --apply-max a first sync through applyGraph (one commitSync transaction with
//      every node, edge and its event);
//   3. 1%-change syncs: applyGraph as the sync engine runs it, and the same with the content
//      hashes the adapter stores (getConnectorSnapshot → diffGraphs with previous hashes);
//   4. execution-chain query latency (findExecutionChains ending at one identity).
// Targets: full load ≥ 50% of the ceiling; a 1% sync ≥ 20× faster than the full load; chain p99
// < 50 ms. Rates on a shared two-core machine are noisy: compare the ratios within one run.
//
//   npm run bench:neo4j -- [--sizes=10000,100000,1000000] [--apply-max=10000] [--queries=200] [--keep]
// NEO4J_URI selects the server; without it scripts/services.mjs starts the local one.

const sizes = (process.argv.find((a) => a.startsWith('--sizes='))?.split('=')[1] ?? '10000,100000,1000000').split(',').map(Number);
const applyMax = intArg('apply-max', 10_000);
const queries = intArg('queries', 200);
const batchSize = intArg('batch', DEFAULT_BATCH_SIZE);

const uri = process.env.NEO4J_URI ?? (await servicesUri());
const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function servicesUri(): Promise<string> {
  const services = (await import('../scripts/services.mjs')) as { ensureServices: (o?: object) => Promise<{ neo4jUri: string }> };
  return (await services.ensureServices({ services: ['neo4j'] })).neo4jUri;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

disableNagleFor(portOf(uri));
const driver = neo4j.driver(uri, undefined, { disableLosslessIntegers: true });
const bare = new Executor(driver, { database: 'neo4j' });
const storage = await Neo4jStorageAdapter.connect({ uri, batchSize });
await bare.autoCommit({ operation: 'bench.schema' }, render('benchSchema'));
await bare.autoCommit({ operation: 'bench.schema' }, render('schemaAwait'));

/** The ceiling: the adapter's own node and edge rows, created without MERGE or extra indexes. */
async function bareCreate(tenantId: string, graph: NormalizedGraph) {
  const nodes = await timed(async () => {
    for (const batch of chunks(graph.nodes, batchSize)) {
      const rows = batch.map((n) => nodeRow(tenantId, n));
      await bare.write({ operation: 'bench.create', tenantId }, (tx) => tx.run(render('benchCreateNodes'), { tenantId, rows }));
    }
  });
  const edges = await timed(async () => {
    for (const batch of chunks(graph.edges, batchSize)) {
      const rows = batch.map((e) => edgeRow(tenantId, e));
      await bare.write({ operation: 'bench.create', tenantId }, (tx) => tx.run(render('benchCreateEdges'), { tenantId, rows }));
    }
  });
  return { nodesMs: nodes.ms, edgesMs: edges.ms };
}

function syncState(graph: NormalizedGraph, startedAt = graph.transformedAt): SyncState {
  return { syncId: graph.syncId, tenantId: graph.tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt, completedAt: startedAt, errors: [] };
}

/** Identities at the end of at least one execution chain (credential or RUNS_AS side). */
function chainEnds(graph: NormalizedGraph, count: number): string[] {
  const invoked = new Set(graph.edges.filter((e) => e.edgeType === 'INVOKES').map((e) => e.targetNodeId));
  const usedCredentials = new Set(graph.edges.filter((e) => e.edgeType === 'USES' && invoked.has(e.sourceNodeId)).map((e) => e.targetNodeId));
  const ends = [
    ...new Set(
      graph.edges
        .filter((e) => (e.edgeType === 'AUTHENTICATES_AS' && usedCredentials.has(e.sourceNodeId)) || e.edgeType === 'RUNS_AS')
        .map((e) => e.targetNodeId),
    ),
  ].sort();
  const rand = seededRandom(11);
  return Array.from({ length: Math.min(count, ends.length) }, () => ends[Math.floor(rand() * ends.length)]!);
}

// --existing=<tenantId> reuses a tenant an earlier `--keep` run loaded with this size and seed:
// no ceiling, no load (give --full-load-s=<seconds> from that run for the ratios).
const existing = process.argv.find((a) => a.startsWith('--existing='))?.split('=')[1];
const previousLoadS = Number(process.argv.find((a) => a.startsWith('--full-load-s='))?.split('=')[1] ?? NaN);
const phases = new Set((process.argv.find((a) => a.startsWith('--phases='))?.split('=')[1] ?? 'load,sync,chains').split(','));

// --batch-sweep=1000,2500,5000,10000: the rows per UNWIND statement, chosen by measurement: the
// same synthetic tenant (--sweep-nodes, default 20,000) loaded through the adapter's bulk path
// (nodes merged, edges created) once per batch size, each into a fresh tenant, rows/s compared.
const sweep = process.argv.find((a) => a.startsWith('--batch-sweep='))?.split('=')[1];
if (sweep) {
  const sweepNodes = intArg('sweep-nodes', 20_000);
  const graph = syntheticTenant({ nodes: sweepNodes, seed: 42 });
  hr(`batch size sweep: ${fmt(graph.nodes.length)} nodes, ${fmt(graph.edges.length)} edges per load`);
  console.log(`machine load at start: ${machineLoad()}`);
  const results: { size: number; rowsPerS: number }[] = [];
  for (const size of sweep.split(',').map(Number)) {
    const adapter = await Neo4jStorageAdapter.connect({ uri, batchSize: size, applySchema: false });
    const tenantId = `bench-sweep-${size}-${Date.now().toString(36)}`;
    const load = await timed(async () => {
      await adapter.bulkUpsertNodes(tenantId, graph.nodes, { connectorId: graph.connectorId });
      await adapter.bulkUpsertEdges(tenantId, graph.edges, { connectorId: graph.connectorId, created: true });
    });
    const rowsPerS = ((graph.nodes.length + graph.edges.length) / load.ms) * 1000;
    results.push({ size, rowsPerS });
    console.log(`batch ${fmt(size)}: ${secs(load.ms)}, ${fmt(Math.round(rowsPerS))} rows/s (${machineLoad()})`);
    await adapter.purgeTenant(tenantId);
    await adapter.close();
  }
  const best = results.reduce((a, b) => (b.rowsPerS > a.rowsPerS ? b : a));
  console.log(`batch size chosen by measurement: ${fmt(best.size)} rows per statement (DEFAULT_BATCH_SIZE is ${fmt(DEFAULT_BATCH_SIZE)})`);
}

for (const size of sweep ? [] : sizes) {
  const tenantId = existing ?? `bench-${size}-${Date.now().toString(36)}`;
  hr(`Neo4j adapter: ${fmt(size)} nodes (${uri}, batches of ${fmt(batchSize)})`);
  let graph = syntheticTenant({ nodes: size, seed: 42, tenantId });
  const nodeCount = graph.nodes.length;
  const edgeCount = graph.edges.length;
  console.log(`synthetic tenant: ${fmt(nodeCount)} nodes, ${fmt(edgeCount)} edges${existing ? ` (already loaded as ${existing})` : ''}`);
  console.log(`machine load at start: ${machineLoad()}`);

  let loadMs = previousLoadS * 1000;
  if (!existing && phases.has('load')) {
    const ceiling = await bareCreate(`ceiling-${tenantId}`, graph);
    const ceilingMs = ceiling.nodesMs + ceiling.edgesMs;
    console.log(
      `ceiling, bare UNWIND CREATE: ${rate(nodeCount, ceiling.nodesMs)} nodes, ${rate(edgeCount, ceiling.edgesMs)} relationships (${secs(ceilingMs)})`,
    );

    const loadNodes = await timed(() => storage.bulkUpsertNodes(tenantId, graph.nodes, { connectorId: graph.connectorId }));
    // Every edge is new to an empty tenant, as to a first sync's diff: created, not merged.
    const loadEdges = await timed(() => storage.bulkUpsertEdges(tenantId, graph.edges, { connectorId: graph.connectorId, created: true }));
    await storage.saveSyncState(tenantId, syncState(graph));
    loadMs = loadNodes.ms + loadEdges.ms;
    console.log(
      `full load, adapter bulk path: ${rate(nodeCount, loadNodes.ms)} nodes, ${rate(edgeCount, loadEdges.ms)} relationships (${secs(loadMs)}) → ` +
        `${Math.round((ceilingMs / loadMs) * 100)}% of the ceiling (nodes ${Math.round((ceiling.nodesMs / loadNodes.ms) * 100)}%, ` +
        `relationships ${Math.round((ceiling.edgesMs / loadEdges.ms) * 100)}%)`,
    );
    console.log(`target: full load ≥ 50% of the ceiling → ${Math.round((ceilingMs / loadMs) * 100)}% → ${ceilingMs / loadMs >= 0.5 ? 'met' : 'NOT met'} (${machineLoad()})`);
  }

  if (!existing && phases.has('load') && size <= applyMax) {
    // One commitSync holds every node, edge and event of the first sync: bounded by the server's
    // transaction memory (dbms.memory.transaction.total.max), not by time.
    const other = `${tenantId}-apply`;
    const first = await timed(() => applyGraph(storage, { ...graph, tenantId: other }).then((r) => r, (e: unknown) => e as Error));
    if (first.value instanceof Error) {
      console.log(`full first sync, applyGraph (one commitSync): failed after ${secs(first.ms)}: ${first.value.message.slice(0, 240)}`);
    } else {
      const events = first.value.events.length;
      console.log(
        `full first sync, applyGraph (one commitSync with ${fmt(events)} events): ${secs(first.ms)} — ` +
          `${rate(nodeCount, first.ms)} nodes + ${rate(edgeCount, first.ms)} relationships + events (${rate(nodeCount + edgeCount + events, first.ms)} rows)`,
      );
    }
    await storage.purgeTenant(other);
  }

  // The graph the chain queries pick identities from (the last one synced). Only one of the
  // million-node graphs is kept alive at a time.
  let third: NormalizedGraph | undefined = phases.has('sync') ? undefined : graph;
  if (phases.has('sync')) {
    // 1%-change sync, as the sync engine runs it: stored ids and hashes, diff, commitSync.
    let second: NormalizedGraph | undefined = mutateTenant(graph, 0.01, 7, 'sync-2');
    graph = undefined as unknown as NormalizedGraph; // let the first graph go: 1M nodes are GBs
    const viaApply = await timed(() => applyGraph(storage, second!).then((r) => r, (e: unknown) => e as Error));
    if (viaApply.value instanceof Error) {
      console.log(`1% sync, applyGraph: failed after ${secs(viaApply.ms)}: ${viaApply.value.message.slice(0, 240)}`);
    } else {
      const r = viaApply.value;
      console.log(
        `1% sync, applyGraph: ${secs(viaApply.ms)} (+${r.nodesCreated} ~${r.nodesUpdated} -${r.nodesDeleted} nodes, ` +
          `+${r.edgesCreated} -${r.edgesRemoved} edges, ${fmt(r.events.length)} events) → ${(loadMs / viaApply.ms).toFixed(1)}× faster than the full load`,
      );
      console.log(`target: 1% sync ≥ 20× faster than the full load → ${(loadMs / viaApply.ms).toFixed(1)}× → ${loadMs / viaApply.ms >= 20 ? 'met' : 'NOT met'} (${machineLoad()})`);
    }

    // The same sync shape, phase by phase (readPreviousGraph, diffGraphs, commitSync):
    // only changed rows are read in full, and the diff hashes one side.
    third = mutateTenant(second!, 0.01, 8, 'sync-3');
    second = undefined;
    const read = await timed(() => readPreviousGraph(storage, third!));
    const diff = await timed(() => diffGraphs(read.value.previous, third!, read.value.diffOptions));
    const { changes, result } = diff.value;
    const commit = await timed(() =>
      storage
        .commitSync(tenantId, { connectorId: third!.connectorId, changes, events: result.events, syncState: syncState(third!) })
        .then(() => undefined, (e: unknown) => e as Error),
    );
    const hashedMs = read.ms + diff.ms + commit.ms;
    const prev = read.value.previous;
    const stored = 'nodeHashes' in prev ? prev.nodeHashes.size + prev.edgeHashes.size : prev.nodes.length + prev.edges.length;
    console.log(
      `1% sync, stored hashes: ${secs(hashedMs)} = read ${secs(read.ms)} (${fmt(stored)} ids and hashes, ${rate(stored, read.ms)}) + ` +
        `diff ${secs(diff.ms)} + commit ${secs(commit.ms)} (${fmt(changes.upsertNodes.length)} nodes, ${fmt(changes.upsertEdges.length)} + ${fmt(changes.removeEdgeIds.length)} edges, ` +
        `${fmt(result.events.length)} events${commit.value ? `, FAILED: ${commit.value.message.slice(0, 200)}` : ''}) → ` +
        `${(loadMs / hashedMs).toFixed(1)}× faster than the full load; storage alone (read + commit) ${(loadMs / (read.ms + commit.ms)).toFixed(1)}×`,
    );

  }

  if (phases.has('chains')) {
    const ends = chainEnds(third!, queries);
    third = undefined;
    for (const id of ends.slice(0, 10)) await findExecutionChains(storage, tenantId, { to: id }); // warm-up
    const latencies: number[] = [];
    let chains = 0;
    for (const id of ends) {
      const q = await timed(() => findExecutionChains(storage, tenantId, { to: id }));
      latencies.push(q.ms);
      chains += q.value.length;
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `execution chains ending at one identity: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `max ${latencies.at(-1)?.toFixed(1)} ms over ${fmt(latencies.length)} identities (${(chains / Math.max(1, latencies.length)).toFixed(1)} chains each)`,
    );
    const p99 = percentile(latencies, 99);
    console.log(`target: chain p99 < 50 ms → ${p99.toFixed(1)} ms → ${p99 < 50 ? 'met' : 'NOT met'} (${machineLoad()})`);
  }
  console.log(`peak RSS of the benchmark process: ${fmt(peakRssMiB())} MiB`);

  // Clean-up only now: a large delete right before a measured load would slow that load.
  await bare.autoCommit({ operation: 'bench.purge' }, render('tenantPurge', { LABEL: 'BenchNode' }), { tenantId: `ceiling-${tenantId}` });
  if (!process.argv.includes('--keep') && !existing) await storage.purgeTenant(tenantId);
}

await storage.close();
await bare.close();

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutionChains } from '../src/analysis/execution-chains.ts';
import type { NormalizedGraph } from '../src/model/index.ts';
import { SqliteStorageAdapter } from '../src/storage/sqlite/SqliteStorageAdapter.ts';
import { applyGraph } from '../src/sync/apply-graph.ts';
import { busyMs, hr, intArg, machineLoad, peakRssMiB, percentile, timeCalls, timed } from './report.ts';
import { seededRandom } from './synthetic/random.ts';
import { mutateTenantInPlace, syntheticTenant, tenantDelta } from './synthetic/tenant.ts';
import { readDeltaPrevious } from '../src/sync/delta-previous.ts';

// The embedded store on a real tenant (npm run bench:embedded -- [--nodes=1000000] [--queries=200]):
// the first full sync of the synthetic tenant into an empty SQLite file (diff against nothing,
// every event and outbox row written), a 1%-change sync read through row fingerprints, and
// execution chains ending at one identity. Targets from the embedded-store issue. The 1%-change
// sync is a full re-extraction (the connector's whole graph again, 1% of it changed); the
// incremental one is what a source's delta query returns. It runs with
// Node's default heap limit (no --max-old-space-size), as `authgraph` itself does: a larger limit
// lets garbage pile up and raises the peak RSS it reports.
const nodes = intArg('nodes', 1_000_000);
const queries = intArg('queries', 200);
const dir = mkdtempSync(join(tmpdir(), 'authgraph-bench-embedded-'));
const filePath = join(dir, 'authgraph.db');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

hr(`embedded store (SQLite) benchmark: ${nodes.toLocaleString('en-US')}-node synthetic tenant, ${filePath}`);
console.log(`machine load at start: ${machineLoad()}`);
const storage = SqliteStorageAdapter.open({ filePath });
try {
  let graph: NormalizedGraph | undefined = syntheticTenant({ nodes, seed: 42, tenantId: 'bench-embedded', syncId: 'sync-1' });
  console.log(`generated ${graph.nodes.length.toLocaleString('en-US')} nodes, ${graph.edges.length.toLocaleString('en-US')} edges; RSS so far ${peakRssMiB()} MiB`);

  const cpuBefore = process.cpuUsage();
  const first = await timed(() => applyGraph(storage, graph!));
  const firstCpu = process.cpuUsage(cpuBefore);
  const firstRss = peakRssMiB();
  console.log(
    `first full sync: ${secs(first.ms)} (${first.value.events.length.toLocaleString('en-US')} events and outbox rows), peak RSS ${firstRss} MiB, ` +
      `file ${(statSync(filePath).size / 2 ** 20).toFixed(0)} MiB; this process's CPU time ${secs((firstCpu.user + firstCpu.system) / 1000)} (a loaded machine stretches the wall time, not this)`,
  );
  console.log(`  target: first full sync ≤ 90 s → ${verdict(first.ms <= 90_000)}`);
  console.log(`  target: peak RSS ≤ 3,584 MiB → ${verdict(firstRss <= 3584)}`);

  const ends = chainEnds(graph, queries);
  // The connector's next extraction: 1% of the nodes changed, made from the first graph in place
  // (a sync process holds only the extraction it made; two 1M-node graphs exceed the default heap).
  let next: NormalizedGraph | undefined = mutateTenantInPlace(graph, 0.01, 7, 'sync-2').current;
  graph = undefined;
  const calls = new Map<string, [number, number][]>();
  const timedStorage = timeCalls(storage, calls, ['getNodes', 'getEdges', 'commitSync']);
  const change = await timed(() => applyGraph(timedStorage, { ...next!, transformedAt: '2026-02-01T00:00:00.000Z' }));
  const callMs = (...methods: string[]) => busyMs(calls, methods);
  // The same size of change as a source's delta query returns it (what an incremental sync gets).
  const delta = tenantDelta({ ...next, transformedAt: '2026-02-01T00:00:00.000Z' }, 0.01, 9, 'sync-3');
  next = undefined;
  const r = change.value;
  console.log(
    `1%-change sync: ${secs(change.ms)} (+${r.nodesCreated} ~${r.nodesUpdated} -${r.nodesDeleted} nodes, +${r.edgesCreated} -${r.edgesRemoved} edges, ` +
      `${r.events.length.toLocaleString('en-US')} events) = 1/${(first.ms / change.ms).toFixed(1)} of the first sync`,
  );
  // Where the time went: the store's calls (the commit includes its WAL checkpoint), and the rest in
  // this process: fingerprinting and matching the extraction, reading back the unmatched rows, the
  // checks and the diff. The stored fingerprints are read on the store's worker thread meanwhile
  // (fingerprint-reader.ts), so that read is in none of these.
  const storeMs = callMs('getNodes', 'getEdges', 'commitSync');
  console.log(
    `  = commit ${secs(callMs('commitSync'))} + changed rows ${secs(callMs('getNodes', 'getEdges'))} + ` +
      `fingerprinting, matching, read-back, checks and diff ${secs(change.ms - storeMs)} (stored fingerprints read on a worker thread meanwhile)`,
  );
  console.log(`  target: 1%-change sync ≤ 1/20 of the first sync → ${verdict(change.ms * 20 <= first.ms)}`);
  // An incremental sync reads only what its delta touches (readDeltaPrevious), not the tenant's hashes.
  const incremental = await timed(async () => {
    const { current, previous } = await readDeltaPrevious(storage, delta);
    return applyGraph(storage, current, { previous, mode: 'incremental' });
  });
  const d = incremental.value;
  console.log(
    `1%-change incremental (delta) sync: ${secs(incremental.ms)} (${delta.nodes.length} nodes, ${delta.edges.length} edges, ${delta.temporalMarkers.length} deletions in the delta; ` +
      `+${d.nodesCreated} ~${d.nodesUpdated} -${d.nodesDeleted} nodes, +${d.edgesCreated} -${d.edgesRemoved} edges, ${d.events.length.toLocaleString('en-US')} events) = 1/${(first.ms / incremental.ms).toFixed(1)} of the first sync`,
  );
  console.log(`  target: 1%-change sync ≤ 1/20 of the first sync (incremental) → ${verdict(incremental.ms * 20 <= first.ms)}`);

  for (const id of ends.slice(0, 10)) await findExecutionChains(storage, 'bench-embedded', { to: id }); // warm-up
  const latencies: number[] = [];
  let chains = 0;
  for (const id of ends) {
    const q = await timed(() => findExecutionChains(storage, 'bench-embedded', { to: id }));
    latencies.push(q.ms);
    chains += q.value.length;
  }
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  console.log(
    `execution chains ending at one identity: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${latencies.length} identities ` +
      `(${(chains / Math.max(1, latencies.length)).toFixed(1)} chains each)`,
  );
  console.log(`  target: p99 < 20 ms → ${verdict(p99 < 20)}`);
  console.log(`machine load at end: ${machineLoad()}`);
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Identities at the end of at least one execution chain, picked at random (seeded). */
function chainEnds(graph: NormalizedGraph, count: number): string[] {
  const ends = [...new Set(graph.edges.filter((e) => e.edgeType === 'AUTHENTICATES_AS' || e.edgeType === 'RUNS_AS').map((e) => e.targetNodeId))].sort();
  const rand = seededRandom(11);
  return Array.from({ length: Math.min(count, ends.length) }, () => ends[Math.floor(rand() * ends.length)]!);
}

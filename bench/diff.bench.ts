import { classifyCurrent, diffGraphs } from '../src/diff/index.ts';
import type { NormalizedEdge, NormalizedNode } from '../src/model/index.ts';
import { edgeContentHash, nodeContentHash } from '../src/model/index.ts';
import { hr, intArg, machineLoad, peakRssMiB, rate, timed } from './report.ts';
import { mutateTenantInPlace, syntheticTenant } from './synthetic/tenant.ts';

// Diff of a synthetic tenant (default 1,000,000 nodes / ~3,000,000 edges) against a 1%-changed
// copy, as a full sync runs it (DESIGN decision 3): the store hands over ids and content hashes,
// the diff hashes the extraction once (classifyCurrent), the stored rows that changed or went are
// read in full, and diffGraphs compares. One graph is in memory — the extraction — never a second
// copy of it; the "store" here is the hash maps and the former versions of the changed rows.
// Target: < 10 s and < 4 GiB for the whole process.
const nodes = intArg('nodes', 1_000_000);
const change = intArg('change-percent', 1) / 100;

hr(`diff benchmark: ${nodes.toLocaleString('en-US')} nodes, ${change * 100}% changed`);
console.log(`machine load at start: ${machineLoad()}`);
const { value: graph, ms: genMs } = await timed(() => syntheticTenant({ nodes, seed: 42 }));
const previousNodes = graph.nodes.length;
const previousEdges = graph.edges.length;
// What the store keeps beside each row (previousState): computed here, outside the timing.
const { value: state, ms: hashMs } = await timed(() => ({
  nodeHashes: new Map(graph.nodes.map((n) => [n.nodeId, nodeContentHash(n)])),
  edgeHashes: new Map(graph.edges.map((e) => [e.edgeId, edgeContentHash(e)])),
}));
const { current, stored } = mutateTenantInPlace(graph, change, 7);
console.log(
  `generated ${previousNodes.toLocaleString('en-US')} nodes / ${previousEdges.toLocaleString('en-US')} edges in ${(genMs / 1000).toFixed(1)} s; ` +
    `stored hashes ${(hashMs / 1000).toFixed(1)} s; next extraction ${current.nodes.length.toLocaleString('en-US')} nodes / ${current.edges.length.toLocaleString('en-US')} edges`,
);

let classifyMs = 0;
// CPU time beside wall time: on a shared machine the wall time moves with other people's load.
const cpuBefore = process.cpuUsage();
const run = await timed(() => {
  const started = performance.now();
  const plan = classifyCurrent(state, current);
  classifyMs = performance.now() - started;
  // The store's answer for the stale ids (a getNodes / getEdges read in a real sync).
  const changedNodes = new Map<string, NormalizedNode>();
  for (const id of plan.staleNodeIds) if (stored.nodes.has(id)) changedNodes.set(id, stored.nodes.get(id)!);
  const changedEdges = new Map<string, NormalizedEdge>();
  for (const id of plan.staleEdgeIds) if (stored.edges.has(id)) changedEdges.set(id, stored.edges.get(id)!);
  const missing = plan.staleNodeIds.length + plan.staleEdgeIds.length - changedNodes.size - changedEdges.size;
  if (missing) throw new Error(`${missing} stale ids the stand-in store does not have`);
  const diff = diffGraphs({ ...state, changedNodes, changedEdges }, current, { classified: plan });
  return { diff, plan };
});
const cpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpuBefore));
const r = run.value.diff.result;
const totalNodes = previousNodes + current.nodes.length;
const totalEdges = previousEdges + current.edges.length;
console.log(
  `diff: ${(run.ms / 1000).toFixed(2)} s — ${rate(totalNodes, run.ms)} nodes, ${rate(totalEdges, run.ms)} edges ` +
    `(read in full: ${run.value.plan.staleNodeIds.length.toLocaleString('en-US')} nodes, ${run.value.plan.staleEdgeIds.length.toLocaleString('en-US')} edges)`,
);
console.log(`  CPU time of the diff (this process, all threads: GC helpers count too): ${(cpuMs / 1000).toFixed(2)} s`);
console.log(`  of which classifyCurrent (hash every extracted row once, compare with the stored hashes): ${(classifyMs / 1000).toFixed(2)} s`);
console.log(`  changes: +${r.nodesCreated} ~${r.nodesUpdated} -${r.nodesDeleted} nodes, +${r.edgesCreated} ~${r.edgesUpdated} -${r.edgesRemoved} edges, ${r.events.length} events`);
console.log(`peak RSS: ${peakRssMiB().toLocaleString('en-US')} MiB (one graph, the stored ids and hashes, the diff)`);
console.log(`target: whole diff < 10 s → ${(run.ms / 1000).toFixed(2)} s → ${run.ms < 10_000 ? 'met' : 'NOT met'}`);
console.log(`target: peak RSS < 4096 MiB → ${peakRssMiB().toLocaleString('en-US')} MiB → ${peakRssMiB() < 4096 ? 'met' : 'NOT met'}`);

// A first sync: nothing stored, every extracted row is new (the diff part of bench:embedded's 1M
// first sync). Same extraction, empty previous state, as the sync pipeline hands it over. No
// target of its own: it is part of the first sync's ≤ 90 s (issue 11).
if (!process.argv.includes('--no-first-sync')) {
  hr('first sync (no previous state)');
  const none = { nodeHashes: new Map<string, string>(), edgeHashes: new Map<string, string>() };
  const firstCpu = process.cpuUsage();
  const first = await timed(() => {
    const plan = classifyCurrent(none, current);
    return diffGraphs({ ...none, changedNodes: new Map(), changedEdges: new Map() }, current, { classified: plan }).result;
  });
  console.log(
    `first sync diff: ${(first.ms / 1000).toFixed(2)} s for ${current.nodes.length.toLocaleString('en-US')} nodes / ${current.edges.length.toLocaleString('en-US')} edges ` +
      `(${first.value.events.length.toLocaleString('en-US')} events, ${rate(first.value.events.length, first.ms)}), CPU ${(((u) => (u.user + u.system) / 1e6)(process.cpuUsage(firstCpu))).toFixed(2)} s; ` +
      `peak RSS of the process now ${peakRssMiB().toLocaleString('en-US')} MiB`,
  );
}
console.log(`machine load at end: ${machineLoad()}`);

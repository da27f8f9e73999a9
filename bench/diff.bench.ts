import { diffGraphs } from '../src/diff/index.ts';
import { hr, intArg, peakRssMiB, rate, timed } from './report.ts';
import { mutateTenant, syntheticTenant } from './synthetic/tenant.ts';

// Diff of a synthetic tenant (default 1,000,000 nodes / ~3,000,000 edges) against a 1%-changed
// copy. Both graphs are separate object trees, as after a real extraction. Target: < 10 s, < 4 GiB.
const nodes = intArg('nodes', 1_000_000);
const change = intArg('change-percent', 1) / 100;

hr(`diff benchmark: ${nodes.toLocaleString('en-US')} nodes, ${change * 100}% changed`);
const { value: previous, ms: genMs } = await timed(() => syntheticTenant({ nodes, seed: 42 }));
const { value: current, ms: mutMs } = await timed(() => mutateTenant(previous, change, 7));
console.log(`generated ${previous.nodes.length.toLocaleString('en-US')} nodes / ${previous.edges.length.toLocaleString('en-US')} edges in ${(genMs / 1000).toFixed(1)} s (copy ${(mutMs / 1000).toFixed(1)} s)`);

const stored = { nodes: previous.nodes, edges: previous.edges };
const full = await timed(() => diffGraphs(stored, current));
const r = full.value.result;
const totalNodes = previous.nodes.length + current.nodes.length;
const totalEdges = previous.edges.length + current.edges.length;
console.log(`diff: ${(full.ms / 1000).toFixed(2)} s — ${rate(totalNodes, full.ms)} nodes, ${rate(totalEdges, full.ms)} edges`);
console.log(`  changes: +${r.nodesCreated} ~${r.nodesUpdated} -${r.nodesDeleted} nodes, +${r.edgesCreated} ~${r.edgesUpdated} -${r.edgesRemoved} edges, ${r.events.length} events`);

console.log(`peak RSS: ${peakRssMiB().toLocaleString('en-US')} MiB (both graphs in memory as separate objects, plus the diff's maps)`);
console.log(`target: whole diff < 10 s and < 4096 MiB → ${full.ms < 10_000 && peakRssMiB() < 4096 ? 'met' : 'NOT met'}`);

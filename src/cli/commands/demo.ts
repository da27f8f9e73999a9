import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseNormalizedGraphOrThrow } from '../../model/index.ts';
import { MemoryStorageAdapter } from '../../storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../sync/apply-graph.ts';
import type { Command } from '../command.ts';
import { formatDiffCounts } from '../format.ts';
import { printTenantSummary } from './summary.ts';

const SAMPLE = fileURLToPath(new URL('../../../fixtures/sample/tenant.json', import.meta.url));

export const demoCommand: Command = {
  name: 'demo',
  summary: 'load the shipped sample tenant into an embedded store and print what Authgraph sees',
  usage: 'authgraph demo',
  async run(_args, ctx) {
    // A fresh in-memory store: the demo never touches the user's saved state.
    const storage = MemoryStorageAdapter.create();
    const graph = parseNormalizedGraphOrThrow(JSON.parse(await readFile(SAMPLE, 'utf8')));
    const result = await applyGraph(storage, graph);
    ctx.out(`Authgraph demo: loaded the sample tenant (${graph.nodes.length} nodes, ${graph.edges.length} edges)`);
    ctx.out(formatDiffCounts(result));
    ctx.out('');
    await printTenantSummary(storage, graph.tenantId, ctx.out);
    await storage.close();
    return 0;
  },
};

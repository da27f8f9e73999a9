import { readFile, stat } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { parseNormalizedGraph } from '../../model/index.ts';
import { applyGraph } from '../../sync/apply-graph.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { formatDiffCounts } from '../format.ts';

export const loadCommand: Command = {
  name: 'load',
  summary: 'validate a NormalizedGraph file, diff it against the store and store it',
  usage: 'authgraph load <graph.json> [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    const file = positionals[0];
    if (!file) throw new UsageError('name the graph file to load');
    let raw: unknown;
    try {
      const refusal = tooLargeToLoad((await stat(file)).size);
      if (refusal) {
        ctx.err(`${file}: ${refusal}; nothing was changed.`);
        return 1;
      }
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      ctx.err(`cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
    const parsed = parseNormalizedGraph(raw);
    if (!parsed.ok) {
      // Nothing is written: validation happens before the store is even opened.
      ctx.err(`${file} is not a valid graph; nothing was changed. ${parsed.issues.length} problem(s):`);
      for (const issue of parsed.issues) ctx.err(`  - ${issue.path || '(root)'}: ${issue.message}`);
      return 1;
    }
    const graph = parsed.value;
    const storage = await ctx.storage();
    // A 'running' record first, as a sync has: another writer that has to wait for this load can
    // then say which sync holds the store. The commit replaces it with the finished record.
    const running = { syncId: graph.syncId, tenantId: graph.tenantId, connectorId: graph.connectorId, mode: 'full' as const, startedAt: new Date().toISOString(), errors: [] };
    // A file loaded again keeps its earlier record until the new commit replaces it.
    const known = (await storage.listSyncStates(graph.tenantId, { connectorId: graph.connectorId, limit: 500 })).some((s) => s.syncId === graph.syncId);
    if (!known) await storage.saveSyncState(graph.tenantId, { ...running, status: 'running' });
    let result;
    try {
      result = await applyGraph(storage, graph, { startedAt: graph.transformedAt });
    } catch (error) {
      if (!known)
        await storage
        .saveSyncState(graph.tenantId, { ...running, status: 'failed', completedAt: new Date().toISOString(), errors: [{ type: 'LOAD_FAILED', message: (error as Error).message }] })
        .catch(() => undefined);
      throw error;
    }
    if (values.json) {
      const { events: _events, ...counts } = result;
      ctx.out(JSON.stringify({ ...counts, events: result.events.length }, null, 2));
    } else {
      ctx.out(`loaded ${file} as sync ${result.syncId} for tenant ${result.tenantId}`);
      ctx.out(formatDiffCounts(result));
    }
    return 0;
  },
};

/** V8's longest string (2^29 - 24 characters): a larger file cannot be read as one JSON text. */
const MAX_JSON_TEXT = 0x1fffffe8;
/**
 * A graph held as objects, its validated copy and the diff's events take several times the file's
 * size in heap: a file this process cannot hold is refused before it is read, never an
 * out-of-memory abort half-way through.
 */
const HEAP_PER_FILE_BYTE = 6;

export function tooLargeToLoad(bytes: number, heapLimit = getHeapStatistics().heap_size_limit): string | undefined {
  const mib = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString('en-US')} MiB`;
  if (bytes > MAX_JSON_TEXT) {
    return `the file is ${mib(bytes)}, larger than one JSON text can be here (${mib(MAX_JSON_TEXT)}): split it into one graph file per connector, or sync the source with \`authgraph sync\``;
  }
  if (bytes * HEAP_PER_FILE_BYTE > heapLimit) {
    const needed = Math.ceil((bytes * HEAP_PER_FILE_BYTE) / 2 ** 20 / 1024) * 1024;
    return `the file is ${mib(bytes)} and loading it needs about ${mib(bytes * HEAP_PER_FILE_BYTE)} of memory, more than this process may use (${mib(heapLimit)}): run with NODE_OPTIONS=--max-old-space-size=${needed}, or split the file per connector`;
  }
  return undefined;
}

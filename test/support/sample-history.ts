import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNormalizedGraphOrThrow } from '../../src/model/index.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';

const FILES = ['tenant.json', 'tenant-sync2.json', 'tenant-sync3.json'];

/** The three shipped sample syncs (fixtures/sample/README.md), re-homed to a tenant. */
export function sampleSyncs(tenantId: string): NormalizedGraph[] {
  return FILES.map((f) => {
    const graph = parseNormalizedGraphOrThrow(JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/sample/${f}`, import.meta.url)), 'utf8')));
    return { ...graph, tenantId };
  });
}

/** Loads the first `count` sample syncs in order. */
export async function loadSampleHistory(storage: StorageAdapter, tenantId: string, count = 3): Promise<NormalizedGraph[]> {
  const graphs = sampleSyncs(tenantId).slice(0, count);
  for (const g of graphs) await applyGraph(storage, g);
  return graphs;
}

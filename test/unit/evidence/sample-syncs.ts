import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNormalizedGraphOrThrow } from '../../../src/model/index.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';

export const SAMPLE_SYNC_FILES = ['tenant.json', 'tenant-sync2.json', 'tenant-sync3.json'].map((f) =>
  fileURLToPath(new URL(`../../../fixtures/sample/${f}`, import.meta.url)),
);

/** Applies the three shipped sample syncs (fixtures/sample/README.md) in order, re-homed to a tenant. */
export async function loadSampleSyncs(storage: StorageAdapter, tenantId: string): Promise<void> {
  for (const file of SAMPLE_SYNC_FILES) {
    const graph = parseNormalizedGraphOrThrow(JSON.parse(readFileSync(file, 'utf8')));
    await applyGraph(storage, { ...graph, tenantId });
  }
}

const E = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47';
export const EVIDENCE_IDS = {
  oauthProfile: 'servicenow:contoso.service-now.com:5d4c3b2a1908',
  privRoleAdmin: `${E}:role-privroleadmin`,
  appRoleAssignment: `${E}:perm-06b708a9`,
  dana: `${E}:u-dana`,
} as const;

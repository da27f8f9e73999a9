import { describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../../src/evidence/build-pack.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { loadSampleHistory } from '../../support/sample-history.ts';
import { SAMPLE_IDS, freshTenant } from '../../support/sample-tenant.ts';
import { neo4jUri } from '../../support/services.ts';

// The pack is built only through the StorageAdapter: Neo4j must give the same chains, nodes,
// ownership, privileges and history as the embedded store, as of each sync.
describe('evidence pack on Neo4j', () => {
  it('matches the memory adapter’s pack as of sync 2 and now (apart from when each store loaded the syncs)', async () => {
    const tenantId = freshTenant('pack-neo4j');
    const memory = MemoryStorageAdapter.create();
    const neo4j = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
    try {
      await loadSampleHistory(memory, tenantId);
      await loadSampleHistory(neo4j, tenantId);
      for (const asOf of ['sample-sync-2', undefined]) {
        const options = asOf ? { asOf } : {};
        const a = await buildEvidencePack(memory, tenantId, { identityId: SAMPLE_IDS.graphPrincipal }, options);
        const b = await buildEvidencePack(neo4j, tenantId, { identityId: SAMPLE_IDS.graphPrincipal }, options);
        expect(b.chains).toEqual(a.chains);
        expect(b.nodes).toEqual(a.nodes);
        expect(b.ownership).toEqual(a.ownership);
        expect(b.privileges).toEqual(a.privileges);
        expect(b.history).toEqual(a.history);
        expect(b.chains).toHaveLength(2);
      }
    } finally {
      await neo4j.close();
    }
  });
});

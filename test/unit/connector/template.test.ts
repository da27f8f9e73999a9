import { describe, expect, it } from 'vitest';
import { exampleConnector } from '../../../connectors/_template/index.ts';
import { transformExample } from '../../../connectors/_template/transform.ts';
import { checkDeclaration, checkEmittedTypes } from '../../../src/connector/conformance.ts';

// The connector template is a working connector: what a new source copies passes conformance.
describe('connector template', () => {
  it('declares what its transform emits', () => {
    const extractedAt = '2026-11-26T12:00:00.000Z';
    const graph = transformExample({
      syncId: 's', connectorId: 'example', tenantId: 't', extractedAt, sourceScope: 'https://example.test', syncMode: 'full', relationships: [],
      entities: [{ sourceId: 'sa-1', sourceType: 'serviceAccount', properties: { name: 'backup-bot', permissions: ['records:admin'] }, extractedAt }],
      metadata: { apiCallCount: 1, totalEntitiesDiscovered: 1, paginationComplete: true, errors: [], warnings: [], retries: 0, durationMs: 1, collections: { serviceAccounts: { collection: 'serviceAccounts', complete: true, status: 'available', recordCount: 1 } } },
    });
    expect(checkDeclaration(exampleConnector)).toEqual([]);
    expect(checkEmittedTypes(exampleConnector, [graph])).toEqual([]);
    expect(graph.nodes.find((n) => n.nodeType === 'permission')?.properties).toMatchObject({ normalizedAction: 'admin', mappingBasis: 'table' });
  });
});

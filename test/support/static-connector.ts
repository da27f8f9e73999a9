import type { ConnectorInstance } from '../../src/sync/connectors-config.ts';
import type { Connector, RawExtraction } from '../../src/connector/types.ts';
import { EDGE_TYPES, NODE_TYPES } from '../../src/model/index.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';

/**
 * A connector instance whose source is a graph held in memory (swap it between syncs). For tests
 * of the sync engine's storage and delivery behaviour at sizes the fixtures don't reach.
 */
export function staticGraphInstance(tenantId: string, connectorId: string, source: { graph: NormalizedGraph }): ConnectorInstance {
  const connector: Connector = {
    id: 'static_v1',
    name: 'Static graph',
    sourceSystem: 'custom',
    version: '1.0.0',
    description: 'serves a prepared graph',
    configSchema: {},
    requiredPermissions: [],
    entityTypes: [...NODE_TYPES],
    relationshipTypes: [...EDGE_TYPES],
    validateConfig: () => {},
    healthCheck: async () => ({ healthy: true, message: 'ok', checkedAt: new Date().toISOString(), latencyMs: 0 }),
    extract: async (_config, options): Promise<RawExtraction> => ({
      syncId: options.syncId,
      connectorId,
      tenantId,
      extractedAt: new Date().toISOString(),
      sourceScope: 'static',
      syncMode: 'full',
      entities: [],
      relationships: [],
      metadata: { apiCallCount: 0, totalEntitiesDiscovered: source.graph.nodes.length, paginationComplete: true, errors: [], warnings: [], collections: {}, retries: 0, durationMs: 0 },
    }),
    transform: async (raw) => ({ ...source.graph, syncId: raw.syncId, connectorId, tenantId }),
    supportsIncremental: false,
    supportsAuditLog: false,
  };
  return { connector, config: { tenantId, connectorId, credentials: { type: 'api_key' }, sourceConfig: {}, syncMode: 'full', timeout: 600 } };
}

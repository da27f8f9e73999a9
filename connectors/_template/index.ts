import { toConfigJsonSchema } from '../../src/connector/config.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import type { Connector } from '../../src/connector/types.ts';
import { exampleClient } from './client.ts';
import { ExampleConfigSchema, parseExampleConfig } from './config.ts';
import { extractExample } from './extract.ts';
import { EXAMPLE_PRODUCES } from './mappings.ts';
import { transformExample } from './transform.ts';

const produced = Object.values(EXAMPLE_PRODUCES);

// TEMPLATE: the Connector object. Register it with one line in src/sync/registry.ts.
export const exampleConnector: Connector = {
  id: 'example_v1',
  name: 'Example source',
  sourceSystem: 'custom',
  version: '0.1.0',
  description: 'Service accounts and their permissions (template).',
  configSchema: toConfigJsonSchema(ExampleConfigSchema),
  requiredPermissions: [{ name: 'records:read', type: 'role', reason: 'service accounts and their permissions' }],
  entityTypes: [...new Set(produced.flatMap((p) => p.nodes))].sort(),
  relationshipTypes: [...new Set(produced.flatMap((p) => p.edges))].sort(),
  validateConfig: (config) => void parseExampleConfig(config),
  async healthCheck(config) {
    const started = Date.now();
    const checkedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
    try {
      const api = exampleClient(config, parseExampleConfig(config));
      await api.http.getJson(api.url('service-accounts'));
      return { healthy: true, message: 'reachable', checkedAt, latencyMs: Date.now() - started, apiCalls: api.http.stats.apiCalls };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return { healthy: false, message: error.message, checkedAt, latencyMs: Date.now() - started, errorType: error.type };
    }
  },
  extract: async (config, options) => extractExample(config, parseExampleConfig(config), options),
  transform: async (raw) => transformExample(raw),
  supportsIncremental: false,
  supportsAuditLog: false,
};

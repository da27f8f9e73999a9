import { readCollection } from '../../src/connector/collection.ts';
import { DEFAULT_POLICY } from '../../src/connector/http-factory.ts';
import { ErrorLog } from '../../src/connector/partial-errors.ts';
import type { ConnectorConfig, ExtractOptions, RawExtraction } from '../../src/connector/types.ts';
import { redactSecrets } from '../../src/model/index.ts';
import { exampleClient, pages } from './client.ts';
import type { ExampleSettings } from './config.ts';

// TEMPLATE: one readCollection per source collection; a failure of one is a value, not a throw.
export async function extractExample(config: ConnectorConfig, settings: ExampleSettings, options: ExtractOptions): Promise<RawExtraction> {
  const started = Date.now();
  const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
  const api = exampleClient(config, settings);
  const log = new ErrorLog(config.maxPartialErrors ?? DEFAULT_POLICY.maxPartialErrors);
  const accounts = await readCollection({ name: 'serviceAccounts', required: true }, pages(api.http, api.url('service-accounts')), log);
  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    sourceScope: settings.sourceConfig.baseUrl,
    syncMode: options.syncMode,
    entities: accounts.records.map((r) => ({ sourceId: String(r.id), sourceType: 'serviceAccount', properties: redactSecrets(r), extractedAt })),
    relationships: [],
    metadata: {
      apiCallCount: api.http.stats.apiCalls,
      totalEntitiesDiscovered: accounts.records.length,
      paginationComplete: accounts.status.complete,
      errors: log.errors,
      warnings: log.warnings,
      collections: { serviceAccounts: accounts.status },
      retries: api.http.stats.retries,
      durationMs: Date.now() - started,
    },
  };
}

import { ErrorLog } from '../../src/connector/partial-errors.ts';
import { readCollection } from '../../src/connector/collection.ts';
import { DEFAULT_POLICY } from '../../src/connector/http-factory.ts';
import type { CollectionStatus, ConnectorConfig, RawEntity, RawExtraction } from '../../src/connector/types.ts';
import { FatalConnectorError } from '../../src/connector/errors.ts';
import { redactSecrets } from '../../src/model/index.ts';
import { graphApi, odataPages } from './client.ts';
import { USER_FIELDS } from './extract.ts';
import type { ODataResult } from './client.ts';
import type { EntraSettings } from './config.ts';

// Incremental sync with Graph delta queries: the first round walks /delta in full and ends with a
// deltaLink per resource; later rounds follow those links and get only changes (`@removed` marks
// deletions). The deltaToken we hand back is the JSON of those links.

const RESOURCES = { servicePrincipals: 'servicePrincipal', applications: 'application', users: 'user' } as const;
type Links = Partial<Record<keyof typeof RESOURCES, string>>;

export async function extractEntraDelta(config: ConnectorConfig, settings: EntraSettings, syncId: string, deltaToken?: string): Promise<RawExtraction> {
  const started = Date.now();
  const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
  const api = graphApi(config, settings);
  const log = new ErrorLog(config.maxPartialErrors ?? DEFAULT_POLICY.maxPartialErrors);
  const previous = parseToken(deltaToken);
  const next: Links = {};
  const entities: RawEntity[] = [];
  const collections: Record<string, CollectionStatus> = {};
  for (const [resource, sourceType] of Object.entries(RESOURCES) as Array<[keyof typeof RESOURCES, string]>) {
    const result: ODataResult = {};
    // Users answer a default property set without $select (no accountEnabled, no leave date).
    const select: Record<string, string> = resource === 'users' ? { $select: USER_FIELDS } : {};
    const url = previous[resource] ?? api.url(`${resource}/delta`, { $top: String(settings.sourceConfig.pageSize), ...select });
    const { records, status } = await readCollection({ name: resource, required: true }, odataPages(api.http, url, result), log);
    collections[resource] = status;
    for (const r of records) entities.push({ sourceId: String(r.id), sourceType, properties: redactSecrets(r), extractedAt });
    // Without a new link the old one stays valid: the next round repeats this resource's changes.
    const link = result.deltaLink ?? previous[resource];
    if (link) next[resource] = link;
  }
  return {
    syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    sourceScope: api.tenantId,
    syncMode: 'incremental',
    entities,
    relationships: [],
    deltaToken: JSON.stringify(next),
    metadata: {
      apiCallCount: api.http.stats.apiCalls,
      totalEntitiesDiscovered: entities.length,
      paginationComplete: Object.values(collections).every((c) => c.complete),
      errors: log.errors,
      warnings: log.warnings,
      collections,
      retries: api.http.stats.retries,
      durationMs: Date.now() - started,
    },
  };
}

function parseToken(token: string | undefined): Links {
  if (!token) return {};
  try {
    const links = JSON.parse(token) as unknown;
    if (links && typeof links === 'object' && !Array.isArray(links)) return links as Links;
  } catch {
    // fall through to the error below
  }
  throw new FatalConnectorError('CONFIG_ERROR', 'Entra deltaToken is not the JSON this connector issued; run a full sync to get a new one');
}

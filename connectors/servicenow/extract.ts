import { readCollection } from '../../src/connector/collection.ts';
import { DEFAULT_POLICY } from '../../src/connector/http-factory.ts';
import { ErrorLog } from '../../src/connector/partial-errors.ts';
import type { CollectionStatus, ConnectorConfig, ExtractOptions, RawEntity, RawExtraction } from '../../src/connector/types.ts';
import { normalizeScope, redactSecrets } from '../../src/model/index.ts';
import { classifyTableError, tableApi, tablePages } from './client.ts';
import type { TableApi } from './client.ts';
import { instanceScope } from './config.ts';
import type { ServiceNowSettings } from './config.ts';
import { EVIDENCE_TABLE, TABLES } from './mappings.ts';
import type { TableSpec } from './mappings.ts';

// Full extraction through the Table API, one table after another (ServiceNow rate-limits per
// user, so parallel reads only earn 429s). Each table's outcome becomes a CollectionStatus:
// evidence completeness and the extraction scope come from these.

export async function extractServiceNow(config: ConnectorConfig, settings: ServiceNowSettings, options: ExtractOptions): Promise<RawExtraction> {
  const started = Date.now();
  const now = config.runtime?.now?.() ?? new Date();
  const extractedAt = now.toISOString();
  const api = tableApi(config, settings);
  const log = new ErrorLog(config.maxPartialErrors ?? DEFAULT_POLICY.maxPartialErrors);
  const entities: RawEntity[] = [];
  const collections: Record<string, CollectionStatus> = {};

  const read = async (spec: TableSpec, query = 'ORDERBYsys_id') => {
    const url = api.tableUrl(spec.table, baseQuery(spec, query, settings.sourceConfig.pageSize));
    const { records, status } = await readCollection(
      { name: spec.table, required: spec.required, ...(spec.expectNonEmpty ? { expectNonEmpty: true } : {}), timestampField: 'sys_created_on', classify: classifyTableError },
      tablePages(api.http, url, settings.sourceConfig.pageSize),
      log,
    );
    collections[spec.table] = status;
    for (const r of records) entities.push({ sourceId: String(r.sys_id), sourceType: spec.table, properties: redactSecrets(r), extractedAt });
    config.runtime?.onProgress?.({ connectorId: config.connectorId, phase: 'extract', collection: spec.table, message: `${spec.table}: ${records.length}`, count: records.length });
  };

  for (const spec of TABLES) await read(spec);
  if (settings.sourceConfig.includeExecutionEvidence) {
    const since = new Date(now.getTime() - settings.sourceConfig.executionEvidenceDays * 86_400_000);
    await read(EVIDENCE_TABLE, `sys_created_on>=${serviceNowTime(since)}^ORDERBYsys_created_on`);
  } else {
    collections[EVIDENCE_TABLE.table] = { collection: EVIDENCE_TABLE.table, complete: false, status: 'unavailable_not_applicable', recordCount: 0, notes: 'includeExecutionEvidence is off' };
  }

  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    sourceScope: normalizeScope(instanceScope(settings)),
    syncMode: options.syncMode,
    entities,
    relationships: [],
    transformSettings: {
      integrationUserPatterns: settings.sourceConfig.integrationUserPatterns,
      tableClassification: settings.sourceConfig.tableClassification,
      instanceUrl: instanceScope(settings),
    },
    metadata: {
      apiCallCount: api.http.stats.apiCalls,
      totalEntitiesDiscovered: entities.length,
      paginationComplete: Object.values(collections).every((c) => c.status !== 'failed'),
      ...(api.http.stats.rateLimitRemaining !== undefined ? { rateLimitRemaining: api.http.stats.rateLimitRemaining } : {}),
      errors: log.errors,
      warnings: log.warnings,
      collections,
      retries: api.http.stats.retries,
      durationMs: Date.now() - started,
    },
  };
}

export function baseQuery(spec: TableSpec, query: string, pageSize: number): Record<string, string> {
  return {
    sysparm_query: query,
    sysparm_fields: spec.fields.join(','),
    sysparm_limit: String(pageSize),
    sysparm_offset: '0',
    sysparm_exclude_reference_link: 'true',
    sysparm_display_value: 'false',
  };
}

/** The Table API's query format: "yyyy-MM-dd HH:mm:ss", UTC. */
export function serviceNowTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export type { TableApi };

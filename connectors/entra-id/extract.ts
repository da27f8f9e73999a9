import { readCollection, unavailableStatus } from '../../src/connector/collection.ts';
import type { CollectionSpec, Record_ } from '../../src/connector/collection.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import { DEFAULT_POLICY } from '../../src/connector/http-factory.ts';
import { ErrorLog } from '../../src/connector/partial-errors.ts';
import type { CollectionStatus, ConnectorConfig, ExtractOptions, RawEntity, RawExtraction, RawRelationship } from '../../src/connector/types.ts';
import { redactSecrets } from '../../src/model/index.ts';
import { classifyGraphError, graphApi, odataPages } from './client.ts';
import type { GraphApi } from './client.ts';
import type { EntraSettings } from './config.ts';
import { MICROSOFT_TENANT_ID } from './mappings.ts';

// Full extraction from Microsoft Graph v1.0. Owners and directory role members come inline
// ($expand) to save a call per object; app role assignments need one call per tenant-owned
// service principal (Graph does not list them tenant-wide).

const SPECS: Record<string, CollectionSpec> = {
  servicePrincipals: { name: 'servicePrincipals', required: true, expectNonEmpty: true, timestampField: 'createdDateTime' },
  applications: { name: 'applications', required: true, timestampField: 'createdDateTime' },
  users: { name: 'users', required: true, expectNonEmpty: true, timestampField: 'createdDateTime' },
  oauth2PermissionGrants: { name: 'oauth2PermissionGrants', required: false, classify: classifyGraphError },
  directoryRoles: { name: 'directoryRoles', required: false, classify: classifyGraphError },
  signIns: { name: 'signIns', required: false, timestampField: 'createdDateTime', classify: classifyGraphError },
};

/** Every user field the transform reads: Graph's default set for users leaves most of them out. */
export const USER_FIELDS = 'id,displayName,userPrincipalName,mail,accountEnabled,employeeLeaveDateTime,department,jobTitle,createdDateTime,userType';

export async function extractEntra(config: ConnectorConfig, settings: EntraSettings, options: ExtractOptions): Promise<RawExtraction> {
  const started = Date.now();
  const now = config.runtime?.now?.() ?? new Date();
  const extractedAt = now.toISOString();
  const api = graphApi(config, settings);
  const log = new ErrorLog(config.maxPartialErrors ?? DEFAULT_POLICY.maxPartialErrors);
  const top = String(settings.sourceConfig.pageSize);
  const progress = (collection: string, count: number) =>
    config.runtime?.onProgress?.({ connectorId: config.connectorId, phase: 'extract', collection, message: `${collection}: ${count}`, count });

  const collections: Record<string, CollectionStatus> = {};
  const entities: RawEntity[] = [];
  const relationships: RawRelationship[] = [];
  const add = (sourceType: string, records: Record_[]) => {
    for (const r of records) entities.push({ sourceId: String(r.id), sourceType, properties: redactSecrets(r), extractedAt });
  };
  const read = async (name: string, url: string) => {
    const { records, status } = await readCollection(SPECS[name] as CollectionSpec, odataPages(api.http, url), log);
    collections[name] = status;
    progress(name, records.length);
    return records;
  };

  const sps = await read('servicePrincipals', api.url('servicePrincipals', { $top: top, $expand: 'owners' }));
  add('servicePrincipal', sps);
  ownerLinks(sps, 'servicePrincipal', relationships, extractedAt);

  const apps = await read('applications', api.url('applications', { $top: top, $expand: 'owners' }));
  add('application', apps);
  ownerLinks(apps, 'application', relationships, extractedAt);

  const fics = await federatedCredentials(api, apps, top, log, collections.applications?.complete === true);
  collections.federatedIdentityCredentials = fics.status;
  add('federatedIdentityCredential', fics.records);
  progress('federatedIdentityCredentials', fics.records.length);

  add('user', await read('users', api.url('users', { $top: top, $select: USER_FIELDS })));

  const tenantOwned = sps.filter((sp) => !(settings.sourceConfig.excludeFirstPartyApps && sp.appOwnerOrganizationId === MICROSOFT_TENANT_ID));
  const assignments = await appRoleAssignments(api, tenantOwned, top, log, collections.servicePrincipals?.complete === true);
  collections.appRoleAssignments = assignments.status;
  add('appRoleAssignment', assignments.records);
  progress('appRoleAssignments', assignments.records.length);

  add('oauth2PermissionGrant', await read('oauth2PermissionGrants', api.url('oauth2PermissionGrants', { $top: top })));

  const roles = await read('directoryRoles', api.url('directoryRoles', { $expand: 'members' }));
  add('directoryRole', roles);
  for (const role of roles) {
    for (const m of (role.members as Record_[] | undefined) ?? []) {
      relationships.push({
        sourceId: String(m.id),
        targetId: String(role.id),
        type: 'directoryRoleMember',
        properties: { memberType: m['@odata.type'] ?? 'unknown', displayName: m.displayName ?? null },
        extractedAt,
      });
    }
  }

  if (settings.sourceConfig.includeSignInLogs) {
    const since = new Date(now.getTime() - settings.sourceConfig.signInLogDays * 86_400_000).toISOString();
    const filter = `createdDateTime ge ${since} and signInEventTypes/any(t: t eq 'servicePrincipal')`;
    add('signIn', await read('signIns', api.url('auditLogs/signIns', { $top: top, $filter: filter })));
  } else {
    collections.signIns = { collection: 'signIns', complete: false, status: 'unavailable_not_applicable', recordCount: 0, notes: 'includeSignInLogs is off' };
  }

  const complete = Object.values(collections).every((c) => c.complete || c.status !== 'failed');
  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    sourceScope: api.tenantId,
    syncMode: options.syncMode,
    entities,
    relationships,
    metadata: {
      apiCallCount: api.http.stats.apiCalls,
      totalEntitiesDiscovered: entities.length,
      paginationComplete: complete,
      ...(api.http.stats.rateLimitRemaining !== undefined ? { rateLimitRemaining: api.http.stats.rateLimitRemaining } : {}),
      errors: log.errors,
      warnings: log.warnings,
      collections,
      retries: api.http.stats.retries,
      durationMs: Date.now() - started,
    },
  };
}

function ownerLinks(objects: Record_[], kind: string, out: RawRelationship[], extractedAt: string): void {
  for (const o of objects) {
    for (const owner of (o.owners as Record_[] | undefined) ?? []) {
      out.push({
        sourceId: String(o.id),
        targetId: String(owner.id),
        type: 'owner',
        properties: { ownerType: owner['@odata.type'] ?? 'unknown', ownedKind: kind },
        extractedAt,
      });
    }
  }
}

/**
 * Federated identity credentials (workload identity federation: GitHub Actions, Kubernetes, other
 * clouds) are not expanded with the application, so one call per application. Each record keeps
 * its application's id and appId so the transform can hang it under the right principal.
 */
async function federatedCredentials(
  api: GraphApi,
  apps: Record_[],
  top: string,
  log: ErrorLog,
  appsComplete: boolean,
): Promise<{ records: Record_[]; status: CollectionStatus }> {
  const records: Record_[] = [];
  let complete = appsComplete;
  let notes: string | undefined = appsComplete ? undefined : 'application list incomplete';
  for (const app of apps) {
    const url = api.url(`applications/${encodeURIComponent(String(app.id))}/federatedIdentityCredentials`, { $top: top });
    try {
      for await (const page of odataPages(api.http, url)) records.push(...page.map((f) => ({ ...f, applicationObjectId: String(app.id), appId: String(app.appId) })));
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.type === 'AUTH_FAILURE') throw error;
      if (error.type === 'ENTITY_NOT_FOUND') {
        // Deleted between the list and this call: skip that application only.
        log.record('read federatedIdentityCredentials', Object.assign(error, { entitySourceId: String(app.id) }) as ConnectorError);
        complete = false;
        notes = `failed for ${String(app.id)}: ${error.message}`;
        continue;
      }
      // Optional, like app role assignments: any other refusal makes the collection unavailable with its reason.
      const status = classifyGraphError(error) ?? unavailableStatus(error);
      if (status === 'unavailable_error') log.record('read federatedIdentityCredentials', error);
      else log.warn(`federatedIdentityCredentials: ${status} (${error.message})`);
      return { records, status: { collection: 'federatedIdentityCredentials', complete: false, status, recordCount: records.length, notes: `${error.message} (application ${String(app.id)})` } };
    }
  }
  return {
    records,
    status: { collection: 'federatedIdentityCredentials', complete, status: complete ? 'available' : 'failed', recordCount: records.length, ...(notes ? { notes } : {}) },
  };
}

/**
 * One call per service principal; a 404 (deleted between list and fetch) skips that one only. An
 * optional collection: any other refusal (403, a rejected request, a server failing every retry)
 * makes the whole collection unavailable with the reason, and extraction goes on.
 */
async function appRoleAssignments(
  api: GraphApi,
  sps: Record_[],
  top: string,
  log: ErrorLog,
  spsComplete: boolean,
): Promise<{ records: Record_[]; status: CollectionStatus }> {
  const records: Record_[] = [];
  let complete = spsComplete;
  let notes: string | undefined = spsComplete ? undefined : 'service principal list incomplete';
  for (const sp of sps) {
    const url = api.url(`servicePrincipals/${encodeURIComponent(String(sp.id))}/appRoleAssignments`, { $top: top });
    try {
      for await (const page of odataPages(api.http, url)) records.push(...page);
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.type === 'AUTH_FAILURE') throw error;
      if (error.type === 'ENTITY_NOT_FOUND') {
        log.record('read appRoleAssignments', Object.assign(error, { entitySourceId: String(sp.id) }) as ConnectorError);
        complete = false;
        notes = `failed for ${String(sp.id)}: ${error.message}`;
        continue;
      }
      const status = classifyGraphError(error) ?? unavailableStatus(error);
      if (status === 'unavailable_error') log.record('read appRoleAssignments', error);
      else log.warn(`appRoleAssignments: ${status} (${error.message})`);
      return { records, status: { collection: 'appRoleAssignments', complete: false, status, recordCount: records.length, notes: `${error.message} (service principal ${String(sp.id)})` } };
    }
  }
  return {
    records,
    status: { collection: 'appRoleAssignments', complete, status: complete ? 'available' : 'failed', recordCount: records.length, ...(notes ? { notes } : {}) },
  };
}

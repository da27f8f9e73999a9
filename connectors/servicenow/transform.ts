import { createHash } from 'node:crypto';
import { toIso } from '../../src/connector/collection.ts';
import { evidenceCompletenessOf, extractionScopeOf } from '../../src/connector/extraction-scope.ts';
import { GraphBuilder } from '../../src/connector/graph-builder.ts';
import { applyOwnershipStates } from '../../src/connector/ownership-state.ts';
import type { RawEntity, RawExtraction } from '../../src/connector/types.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';
import { classifyResource } from '../../src/resolve/business-domain.ts';
import type { ConfiguredClassification } from '../../src/resolve/business-domain.ts';
import { normalizePermission } from '../../src/resolve/permission-action.ts';
import { PRIVILEGED_ROLES, roleScope, SERVICENOW_PRODUCES, SERVICENOW_ROLE_PERMISSIONS } from './mappings.ts';

// Table API records → normalized graph. Source ids are "<table>/<sys_id>" (tables by name), scoped
// by the instance. Script bodies stay out of the graph (they may hold secrets); only a hash is
// kept so a changed script shows up as an update. The resolver reads scripts from the hints.

type R = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const yes = (v: unknown) => v === true || v === 'true';
export const SYSTEM_IDENTITY_ID = 'system';

export interface ServiceNowTransformOptions {
  integrationUserPatterns: string[];
  tableClassification: Record<string, ConfiguredClassification>;
  instanceUrl: string;
}

/** Settings recorded by extract; defaults are the config defaults, for raw results from elsewhere. */
export function transformOptionsOf(raw: RawExtraction): ServiceNowTransformOptions {
  const s = raw.transformSettings ?? {};
  return {
    integrationUserPatterns: (s.integrationUserPatterns as string[] | undefined) ?? ['svc_*', 'int_*', 'api_*'],
    tableClassification: (s.tableClassification as Record<string, ConfiguredClassification> | undefined) ?? {},
    instanceUrl: (s.instanceUrl as string | undefined) ?? `https://${raw.sourceScope}`,
  };
}

export function transformServiceNow(raw: RawExtraction, options: ServiceNowTransformOptions): NormalizedGraph {
  const b = new GraphBuilder('servicenow', raw.sourceScope, raw.extractedAt);
  const rows = (table: string) => raw.entities.filter((e) => e.sourceType === table);
  const ref = (table: string, sysId: unknown) => b.id(`${table}/${String(sysId)}`);
  const userByName = new Map(rows('sys_user').map((u) => [String(u.properties.user_name), u]));
  const integration = patternsToRegex(options.integrationUserPatterns);

  for (const u of rows('sys_user')) userNode(b, u, integration);
  b.node({
    nodeType: 'identity',
    sourceId: SYSTEM_IDENTITY_ID,
    displayName: 'ServiceNow system context',
    status: 'active',
    properties: { identitySubtype: 'system_execution', executionMode: 'autonomous', ownershipState: 'unattributed', securityRelevance: 'internal_inventory' },
  });
  for (const u of rows('sys_user')) {
    const manager = str(u.properties.manager);
    // Service accounts answer to their manager; people's managers are not owners of the person.
    if (manager && b.nodes.get(ref('sys_user', u.sourceId))?.nodeType === 'identity') {
      b.edge('OWNED_BY', ref('sys_user', u.sourceId), ref('sys_user', manager), `sys_user/${u.sourceId}.manager`);
    }
  }

  for (const t of rows('sys_db_object')) {
    const name = String(t.properties.name);
    const c = classifyResource(name, options.tableClassification);
    b.node({
      nodeType: 'resource',
      sourceId: `sys_db_object/${name}`,
      displayName: str(t.properties.label) ?? name,
      status: 'active',
      properties: {
        resourceSubtype: 'table',
        businessDomain: c.businessDomain,
        sensitivity: c.sensitivity,
        ...(c.containsPii !== undefined ? { containsPii: c.containsPii } : {}),
        ...(c.containsFinancialData !== undefined ? { containsFinancialData: c.containsFinancialData } : {}),
        classificationBasis: c.basis,
        tableName: name,
        superClass: str(t.properties.super_class) ?? null,
      },
    });
  }

  for (const r of rows('sys_user_role')) {
    const name = String(r.properties.name);
    const role = b.node({
      nodeType: 'role',
      sourceId: `sys_user_role/${r.sourceId}`,
      displayName: name,
      status: 'active',
      properties: {
        roleName: name,
        roleSubtype: 'application',
        isPrivileged: yes(r.properties.elevated_privilege) || PRIVILEGED_ROLES.has(name),
        elevatedPrivilege: yes(r.properties.elevated_privilege),
        ...(str(r.properties.description) ? { description: str(r.properties.description) } : {}),
      },
    });
    const mapped = normalizePermission(name, SERVICENOW_ROLE_PERMISSIONS, roleScope);
    const perm = b.node({
      nodeType: 'permission',
      sourceId: `sys_user_role/${r.sourceId}/permission`,
      displayName: `${name} role`,
      status: 'active',
      properties: { permissionName: `${name} role`, normalizedAction: mapped.action, scope: mapped.scope, mappingBasis: mapped.basis, mapped: mapped.mapped },
    });
    b.edge('GRANTS', role.nodeId, perm.nodeId, `sys_user_role/${r.sourceId}`);
    for (const table of mapped.scope.split(',')) {
      const target = b.id(`sys_db_object/${table.trim()}`);
      if (b.nodes.has(target)) b.edge('APPLIES_TO', perm.nodeId, target, `sys_user_role/${r.sourceId}`);
    }
  }
  for (const a of rows('sys_user_has_role')) {
    if (str(a.properties.state) && a.properties.state !== 'active') continue;
    const user = ref('sys_user', a.properties.user);
    if (!b.nodes.has(user)) continue;
    b.edge('HAS_ROLE', user, ref('sys_user_role', a.properties.role), `sys_user_has_role/${a.sourceId}`, { inherited: yes(a.properties.inherited) }, toIso(a.properties.sys_created_on));
  }
  for (const g of rows('sys_user_group')) {
    const group = b.node({
      nodeType: 'role',
      sourceId: `sys_user_group/${g.sourceId}`,
      displayName: String(g.properties.name),
      status: yes(g.properties.active) ? 'active' : 'disabled',
      properties: { roleName: String(g.properties.name), roleSubtype: 'custom', isPrivileged: false, groupType: 'team' },
    });
    if (str(g.properties.manager)) b.edge('OWNED_BY', group.nodeId, ref('sys_user', g.properties.manager), `sys_user_group/${g.sourceId}.manager`);
  }
  for (const m of rows('sys_user_grmember')) {
    const user = ref('sys_user', m.properties.user);
    if (b.nodes.has(user)) b.edge('MEMBER_OF', user, ref('sys_user_group', m.properties.group), `sys_user_grmember/${m.sourceId}`);
  }

  automationNodes(b, raw, userByName);
  connectionNodes(b, rows, options.instanceUrl);
  executionEvidence(b, rows('syslog_transaction'), userByName);

  const nodes = [...b.nodes.values()];
  const edges = [...b.edges.values()];
  applyOwnershipStates(nodes, edges, raw.extractedAt);
  return {
    syncId: raw.syncId,
    connectorId: raw.connectorId,
    tenantId: raw.tenantId,
    transformedAt: raw.extractedAt,
    nodes,
    edges,
    temporalMarkers: [],
    evidenceCompleteness: evidenceCompletenessOf(raw.metadata.collections),
    extractionScope: extractionScopeOf(raw.metadata.collections, SERVICENOW_PRODUCES),
  };
}

function userNode(b: GraphBuilder, u: RawEntity, integration: RegExp): void {
  const p = u.properties;
  const userName = String(p.user_name ?? u.sourceId);
  const enabled = yes(p.active) && !yes(p.locked_out);
  const common = {
    sourceId: `sys_user/${u.sourceId}`,
    displayName: str(p.name) ?? userName,
    status: enabled ? ('active' as const) : ('disabled' as const),
    ...(toIso(p.sys_created_on) ? { createdAt: toIso(p.sys_created_on) } : {}),
  };
  if (integration.test(userName) || yes(p.web_service_access_only) || yes(p.internal_integration_user)) {
    b.node({
      ...common,
      nodeType: 'identity',
      properties: { identitySubtype: 'integration_user', executionMode: 'autonomous', ownershipState: 'unattributed', userName, webServiceAccessOnly: yes(p.web_service_access_only) },
    });
    return;
  }
  b.node({
    ...common,
    nodeType: 'human_identity',
    properties: {
      accountEnabled: enabled,
      userName,
      ...(str(p.email) ? { email: str(p.email) } : {}),
      ...(str(p.title) ? { jobTitle: str(p.title) } : {}),
      ...(!enabled && toIso(p.sys_updated_on) ? { disabledAt: toIso(p.sys_updated_on) } : {}),
    },
  });
}

const AUTOMATIONS = [
  ['sys_script', 'business_rule'],
  ['sys_script_include', 'script_include'],
  ['sysauto_script', 'scheduled_job'],
  ['sys_hub_flow', 'flow_designer_flow'],
] as const;

function automationNodes(b: GraphBuilder, raw: RawExtraction, userByName: Map<string, RawEntity>): void {
  for (const [table, subtype] of AUTOMATIONS) {
    for (const e of raw.entities.filter((x) => x.sourceType === table)) {
      const p = e.properties;
      const script = str(p.script);
      const node = b.node({
        nodeType: 'automation',
        sourceId: `${table}/${e.sourceId}`,
        displayName: str(p.name) ?? e.sourceId,
        status: yes(p.active) || (table === 'sys_hub_flow' && p.status === 'published') ? 'active' : 'disabled',
        ...(toIso(p.sys_created_on) ? { createdAt: toIso(p.sys_created_on) } : {}),
        ...(toIso(p.sys_updated_on) ? { lastModifiedAt: toIso(p.sys_updated_on) } : {}),
        properties: {
          automationSubtype: subtype,
          // Script includes run only when something calls them; the rest fire on their own.
          executionMode: subtype === 'script_include' ? 'unknown' : 'autonomous',
          securityRelevance: 'internal_inventory',
          ownershipState: 'unattributed',
          sourceTable: table,
          ...(script ? { scriptSha256: createHash('sha256').update(script).digest('hex') } : {}),
          ...(table === 'sys_script' ? { tableName: str(p.collection) ?? null, when: str(p.when) ?? null } : {}),
          ...(table === 'sys_script_include' ? { apiName: str(p.api_name) ?? null, clientCallable: yes(p.client_callable) } : {}),
          ...(table === 'sysauto_script' ? { schedule: [p.run_type, p.run_dayofweek, p.run_time].filter((x) => str(x)).join(' ') || null } : {}),
          ...(table === 'sys_hub_flow' ? { runAs: str(p.run_as) ?? null } : {}),
        },
      });
      const creator = userByName.get(String(p.sys_created_by));
      if (creator) {
        b.edge('CREATED_BY', node.nodeId, b.id(`sys_user/${creator.sourceId}`), `${table}/${e.sourceId}.sys_created_by`, {
          creationContext: 'sys_created_by',
          ...(toIso(p.sys_created_on) ? { createdAt: toIso(p.sys_created_on) } : {}),
        });
      }
    }
  }
}

function connectionNodes(b: GraphBuilder, rows: (table: string) => RawEntity[], instanceUrl: string): void {
  const entityById = new Map(rows('oauth_entity').map((e) => [e.sourceId, e.properties]));
  for (const e of rows('oauth_entity')) {
    const p = e.properties;
    // type "client": an outside app calls this instance (inbound); anything else is a provider
    // this instance calls out to (outbound).
    const inbound = p.type === 'client';
    const appUser = inbound && str(p.user) ? b.id(`sys_user/${String(p.user)}`) : undefined;
    b.node({
      nodeType: 'credential',
      sourceId: `oauth_entity/${e.sourceId}`,
      displayName: str(p.name) ?? e.sourceId,
      status: yes(p.active) ? 'active' : 'disabled',
      ...(toIso(p.sys_created_on) ? { createdAt: toIso(p.sys_created_on) } : {}),
      properties: {
        credentialSubtype: inbound ? 'oauth_client' : 'oauth_provider',
        ...(inbound ? { applicationUserNodeId: appUser && b.nodes.has(appUser) ? appUser : null, applicationUserSysId: str(p.user) ?? null } : {}),
        ...(str(p.client_id) ? { clientId: str(p.client_id) } : {}),
        oauthEntitySysId: e.sourceId,
        instanceUrl,
        tokenUrl: str(p.token_url) ?? null,
        grantType: str(p.default_grant_type) ?? null,
        ...(toIso(p.sys_updated_on) ? { rotatedAt: toIso(p.sys_updated_on) } : {}),
      },
    });
  }
  for (const e of rows('oauth_entity_profile')) {
    const p = e.properties;
    const entity = entityById.get(String(p.oauth_entity));
    b.node({
      nodeType: 'credential',
      sourceId: `oauth_entity_profile/${e.sourceId}`,
      displayName: str(p.name) ?? e.sourceId,
      status: entity && !yes(entity.active) ? 'disabled' : 'active',
      properties: {
        credentialSubtype: 'oauth_profile',
        // The profile authenticates with its registry entry's client id: copied so the resolver matches on it.
        ...(str(entity?.client_id) ? { clientId: str(entity?.client_id) } : {}),
        oauthEntitySysId: String(p.oauth_entity),
        instanceUrl,
        oauthProviderNodeId: b.id(`oauth_entity/${String(p.oauth_entity)}`),
        grantType: str(p.grant_type) ?? null,
      },
    });
  }
  for (const e of rows('sys_certificate')) {
    const p = e.properties;
    const expiresAt = toIso(p.expires);
    b.node({
      nodeType: 'credential',
      sourceId: `sys_certificate/${e.sourceId}`,
      displayName: str(p.name) ?? e.sourceId,
      status: !yes(p.active) ? 'disabled' : expiresAt && expiresAt <= b.retrievedAt ? 'expired' : 'active',
      properties: {
        credentialSubtype: 'certificate',
        ...(expiresAt ? { expiresAt } : {}),
        ...(toIso(p.valid_from) ? { rotatedAt: toIso(p.valid_from) } : {}),
        certificateType: str(p.type) ?? null,
        subjectCommonName: str(p.subject_common_name) ?? null,
      },
    });
  }
  const methods = rows('sys_rest_message_fn');
  for (const e of rows('sys_rest_message')) {
    const p = e.properties;
    const own = methods.filter((m) => m.properties.rest_message === e.sourceId);
    const message = b.node({
      nodeType: 'connection',
      sourceId: `sys_rest_message/${e.sourceId}`,
      displayName: str(p.name) ?? e.sourceId,
      status: 'active',
      properties: {
        connectionSubtype: 'rest_message',
        ...(str(p.rest_endpoint) ? { targetUrl: str(p.rest_endpoint) } : {}),
        ...(str(p.authentication_type) ? { authMethod: str(p.authentication_type) } : {}),
        ...(str(p.description) ? { description: str(p.description) } : {}),
        methods: own.map((m) => ({ name: String(m.properties.function_name), httpMethod: String(m.properties.http_method ?? '').toUpperCase(), endpoint: str(m.properties.rest_endpoint) ?? null })),
      },
    });
    const profiles = new Set<string>();
    if (p.authentication_type === 'oauth2' && str(p.oauth2_profile)) profiles.add(String(p.oauth2_profile));
    for (const m of own) if (m.properties.authentication_type === 'oauth2' && str(m.properties.oauth2_profile)) profiles.add(String(m.properties.oauth2_profile));
    for (const profile of profiles) b.edge('USES', message.nodeId, b.id(`oauth_entity_profile/${profile}`), `sys_rest_message/${e.sourceId}.oauth2_profile`);
  }
}

/** syslog_transaction rows aggregated per caller: how often an integration user called in, on what. */
function executionEvidence(b: GraphBuilder, txs: RawEntity[], userByName: Map<string, RawEntity>): void {
  const byUser = new Map<string, R[]>();
  for (const t of txs) {
    const who = String(t.properties.sys_created_by ?? '');
    byUser.set(who, [...(byUser.get(who) ?? []), t.properties]);
  }
  for (const [userName, records] of byUser) {
    const user = userByName.get(userName);
    const identity = user ? b.nodes.get(b.id(`sys_user/${user.sourceId}`)) : undefined;
    if (identity?.nodeType !== 'identity') continue; // people's browsing is not execution evidence
    const times = records.map((r) => toIso(r.sys_created_on)).filter((x): x is string => Boolean(x)).sort();
    const last = times.at(-1);
    if (!last) continue;
    identity.properties.lastActivityAt = last;
    identity.properties.securityRelevance = 'active_external';
    const evidence = b.node({
      nodeType: 'execution_evidence',
      sourceId: `syslog_transaction/${userName}`,
      displayName: `API transactions by ${userName}`,
      status: 'active',
      properties: { executionType: 'api_call', executedAt: last, executionCount: records.length, outcome: 'success', actorNodeId: identity.nodeId },
    });
    const perTable = new Map<string, number>();
    for (const r of records) {
      const table = /\/api\/now\/(?:v\d\/)?table\/([a-z0-9_]+)/.exec(String(r.url ?? ''))?.[1];
      if (table) perTable.set(table, (perTable.get(table) ?? 0) + 1);
    }
    for (const [table, count] of perTable) {
      const target = b.id(`sys_db_object/${table}`);
      if (!b.nodes.has(target)) continue;
      b.edge('EXECUTES_ON', identity.nodeId, target, `syslog_transaction/${userName}/${table}`, { executionCount: count, lastExecution: last });
      b.edge('EXECUTES_ON', evidence.nodeId, target, `syslog_transaction/${userName}/${table}`, { executionCount: count, lastExecution: last });
    }
  }
}

export function patternsToRegex(patterns: string[]): RegExp {
  const parts = patterns.map((p) => p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return new RegExp(`^(${parts.join('|') || '(?!)'})$`, 'i');
}

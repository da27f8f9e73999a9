import { toIso } from '../../src/connector/collection.ts';
import { evidenceCompletenessOf, extractionScopeOf } from '../../src/connector/extraction-scope.ts';
import { GraphBuilder } from '../../src/connector/graph-builder.ts';
import { applyOwnershipStates } from '../../src/connector/ownership-state.ts';
import type { RawEntity, RawExtraction } from '../../src/connector/types.ts';
import type { NormalizedGraph, NormalizedNode } from '../../src/model/index.ts';
import { normalizePermission } from '../../src/resolve/permission-action.ts';
import { ENTRA_PERMISSIONS, ENTRA_PRODUCES, graphPermissionScope, MICROSOFT_GRAPH_APP_ID, MICROSOFT_TENANT_ID, NO_KNOWN_PERMISSIONS, PRIVILEGED_ROLE_TEMPLATES } from './mappings.ts';

// Graph objects → normalized graph. Node ids are scoped by the directory tenant id. Secret text
// never reaches this point (redacted at extraction) and is never read here: credentials keep only
// their id, kind and validity window.

type R = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function transformEntra(raw: RawExtraction, options: { excludeFirstPartyApps?: boolean } = {}): NormalizedGraph {
  const b = new GraphBuilder('entra_id', raw.sourceScope, raw.extractedAt);
  const now = raw.extractedAt;
  // Delta rounds mark deletions with `@removed`: no node, a temporal marker instead.
  const removed = raw.entities.filter((e) => e.properties['@removed']);
  const byType = (t: string) => raw.entities.filter((e) => e.sourceType === t && !e.properties['@removed']);
  const allSps = byType('servicePrincipal');
  const spById = new Map(allSps.map((e) => [e.sourceId, e.properties]));
  const spByAppId = new Map(allSps.map((e) => [String(e.properties.appId).toLowerCase(), e]));
  const firstParty = (sp: R | undefined) => options.excludeFirstPartyApps !== false && sp?.appOwnerOrganizationId === MICROSOFT_TENANT_ID;

  for (const e of byType('user')) userNode(b, e);

  for (const e of allSps) {
    const p = e.properties;
    if (firstParty(p)) continue;
    b.node({
      nodeType: 'identity',
      sourceId: e.sourceId,
      displayName: str(p.displayName) ?? e.sourceId,
      status: p.accountEnabled === false ? 'disabled' : 'active',
      ...(toIso(p.createdDateTime) ? { createdAt: toIso(p.createdDateTime) } : {}),
      properties: {
        identitySubtype: p.servicePrincipalType === 'ManagedIdentity' ? 'machine_account' : 'service_principal',
        executionMode: 'autonomous',
        ownershipState: 'unattributed',
        appId: String(p.appId),
        issuingTenantId: raw.sourceScope,
        servicePrincipalType: str(p.servicePrincipalType) ?? 'Application',
        appOwnerOrganizationId: str(p.appOwnerOrganizationId) ?? null,
      },
    });
  }

  for (const e of byType('application')) applicationNodes(b, e, spByAppId, now);
  for (const e of byType('federatedIdentityCredential')) federatedCredentialNode(b, e, spByAppId);

  for (const rel of raw.relationships.filter((r) => r.type === 'owner')) {
    // Only people own things in the model; a service principal owning an app is kept as a hint.
    if (rel.properties.ownerType !== '#microsoft.graph.user') continue;
    const from = b.id(rel.sourceId);
    if (!b.nodes.has(from)) continue;
    b.edge('OWNED_BY', from, b.id(rel.targetId), `${rel.sourceId}/owners/${rel.targetId}`);
  }

  for (const e of byType('appRoleAssignment')) {
    const p = e.properties;
    const resource = spById.get(String(p.resourceId));
    const role = ((resource?.appRoles as R[] | undefined) ?? []).find((r) => r.id === p.appRoleId);
    const value = str(role?.value) ?? String(p.appRoleId);
    const principal = b.id(String(p.principalId));
    if (!b.nodes.has(principal)) continue;
    const perm = permissionNode(b, 'application', String(resource?.appId ?? p.resourceId), str(p.resourceDisplayName) ?? 'unknown resource', value, str(role?.description));
    const created = toIso(p.createdDateTime);
    b.edge('GRANTS', principal, perm.nodeId, e.sourceId, { grantedBy: 'appRoleAssignment', ...(created ? { createdAt: created } : {}) }, created);
  }

  for (const e of byType('oauth2PermissionGrant')) {
    const p = e.properties;
    const client = b.id(String(p.clientId));
    if (!b.nodes.has(client)) continue;
    const resource = spById.get(String(p.resourceId));
    for (const scope of String(p.scope ?? '').split(/\s+/).filter(Boolean)) {
      const perm = permissionNode(b, 'delegated', String(resource?.appId ?? p.resourceId), str(resource?.displayName) ?? 'unknown resource', scope);
      b.edge('GRANTS', client, perm.nodeId, e.sourceId, {
        grantedBy: 'oauth2PermissionGrant',
        consentType: str(p.consentType) ?? 'unknown',
        ...(str(p.principalId) ? { principalId: str(p.principalId) } : {}),
      });
    }
  }

  for (const e of byType('directoryRole')) {
    const p = e.properties;
    const template = String(p.roleTemplateId ?? '');
    b.node({
      nodeType: 'role',
      sourceId: e.sourceId,
      displayName: str(p.displayName) ?? e.sourceId,
      status: 'active',
      properties: {
        roleName: str(p.displayName) ?? e.sourceId,
        roleSubtype: 'directory',
        isPrivileged: template in PRIVILEGED_ROLE_TEMPLATES,
        roleTemplateId: template,
        ...(str(p.description) ? { description: str(p.description) } : {}),
      },
    });
  }
  for (const rel of raw.relationships.filter((r) => r.type === 'directoryRoleMember')) {
    const member = b.id(rel.sourceId);
    if (b.nodes.has(member)) b.edge('HAS_ROLE', member, b.id(rel.targetId), `${rel.targetId}/members/${rel.sourceId}`, { inherited: false });
  }

  signInEvidence(b, byType('signIn'));
  const nodes = [...b.nodes.values()];
  const edges = [...b.edges.values()];
  classifyRelevance(nodes, edges);
  applyOwnershipStates(nodes, edges, now);

  return {
    syncId: raw.syncId,
    connectorId: raw.connectorId,
    tenantId: raw.tenantId,
    transformedAt: now,
    nodes,
    edges,
    temporalMarkers: removed.map((e) => ({ nodeId: b.id(e.sourceId), markerType: 'deleted' as const, timestamp: now, details: `${e.sourceType} removed (delta)` })),
    evidenceCompleteness: evidenceCompletenessOf(raw.metadata.collections),
    extractionScope: raw.syncMode === 'full' ? extractionScopeOf(raw.metadata.collections, ENTRA_PRODUCES) : { completeNodeTypes: [], completeEdgeTypes: [] },
  };
}

function userNode(b: GraphBuilder, e: RawEntity): void {
  const p = e.properties;
  b.node({
    nodeType: 'human_identity',
    sourceId: e.sourceId,
    displayName: str(p.displayName) ?? str(p.userPrincipalName) ?? e.sourceId,
    status: p.accountEnabled === false ? 'disabled' : 'active',
    ...(toIso(p.createdDateTime) ? { createdAt: toIso(p.createdDateTime) } : {}),
    properties: {
      accountEnabled: p.accountEnabled !== false,
      ...(str(p.mail) ?? str(p.userPrincipalName) ? { email: str(p.mail) ?? str(p.userPrincipalName) } : {}),
      ...(str(p.department) ? { orgUnit: str(p.department) } : {}),
      ...(str(p.jobTitle) ? { jobTitle: str(p.jobTitle) } : {}),
      ...(toIso(p.employeeLeaveDateTime) ? { departedAt: toIso(p.employeeLeaveDateTime) } : {}),
      userPrincipalName: str(p.userPrincipalName) ?? null,
    },
  });
}

function applicationNodes(b: GraphBuilder, e: RawEntity, spByAppId: Map<string, RawEntity>, now: string): void {
  const p = e.properties;
  b.node({
    nodeType: 'identity',
    sourceId: e.sourceId,
    displayName: str(p.displayName) ?? e.sourceId,
    status: 'active',
    ...(toIso(p.createdDateTime) ? { createdAt: toIso(p.createdDateTime) } : {}),
    properties: {
      identitySubtype: 'oauth_app',
      executionMode: 'autonomous',
      ownershipState: 'unattributed',
      appId: String(p.appId),
      issuingTenantId: b.scope,
      signInAudience: str(p.signInAudience) ?? null,
    },
  });
  const sp = spByAppId.get(String(p.appId).toLowerCase());
  const creds: Array<[R, 'client_secret' | 'certificate']> = [
    ...((p.passwordCredentials as R[] | undefined) ?? []).map((c): [R, 'client_secret'] => [c, 'client_secret']),
    ...((p.keyCredentials as R[] | undefined) ?? []).map((c): [R, 'certificate'] => [c, 'certificate']),
  ];
  for (const [c, subtype] of creds) {
    const expiresAt = toIso(c.endDateTime);
    // The node says which credential and until when, never what it is (no secretText, no hint).
    const node = b.node({
      nodeType: 'credential',
      sourceId: `${e.sourceId}/credentials/${String(c.keyId)}`,
      displayName: `${str(p.displayName) ?? e.sourceId}: ${str(c.displayName) ?? subtype}`,
      status: expiresAt && expiresAt <= now ? 'expired' : 'active',
      ...(toIso(c.startDateTime) ? { createdAt: toIso(c.startDateTime) } : {}),
      properties: {
        credentialSubtype: subtype,
        ...(expiresAt ? { expiresAt } : {}),
        ...(toIso(c.startDateTime) ? { rotatedAt: toIso(c.startDateTime) } : {}),
        clientId: String(p.appId),
        keyId: String(c.keyId),
        applicationObjectId: e.sourceId,
        ...(subtype === 'certificate' ? { keyType: str(c.type) ?? null, keyUsage: str(c.usage) ?? null } : {}),
      },
    });
    if (sp) b.edge('AUTHENTICATES_AS', node.nodeId, b.id(sp.sourceId), `${e.sourceId}/credentials/${String(c.keyId)}`);
  }
}

/**
 * A federated identity credential: the application trusts tokens from `issuer` whose subject is
 * `subject` (or that satisfy `claimsMatchingExpression`) for one of `audiences`. Nothing secret
 * exists: whoever can obtain such a token signs in as the application's service principal.
 */
function federatedCredentialNode(b: GraphBuilder, e: RawEntity, spByAppId: Map<string, RawEntity>): void {
  const p = e.properties;
  const appObjectId = String(p.applicationObjectId);
  const app = b.nodes.get(b.id(appObjectId));
  const expression = (p.claimsMatchingExpression ?? null) as R | null;
  const node = b.node({
    nodeType: 'credential',
    sourceId: `${appObjectId}/federatedIdentityCredentials/${e.sourceId}`,
    displayName: `${app?.displayName ?? appObjectId}: ${str(p.name) ?? 'federated credential'}`,
    status: 'active',
    properties: {
      credentialSubtype: 'federated_identity_credential',
      clientId: String(p.appId),
      applicationObjectId: appObjectId,
      issuer: str(p.issuer) ?? '',
      ...(str(p.subject) ? { subject: str(p.subject) } : {}),
      audiences: Array.isArray(p.audiences) ? p.audiences.map(String) : [],
      ...(expression && str(expression.value) ? { claimsMatchingExpression: str(expression.value), claimsMatchingLanguageVersion: Number(expression.languageVersion ?? 1) } : {}),
      ...(str(p.description) ? { description: str(p.description) } : {}),
    },
  });
  const sp = spByAppId.get(String(p.appId).toLowerCase());
  if (sp) b.edge('AUTHENTICATES_AS', node.nodeId, b.id(sp.sourceId), `applications/${appObjectId}/federatedIdentityCredentials/${e.sourceId}`);
}

function permissionNode(b: GraphBuilder, kind: 'application' | 'delegated', resourceAppId: string, resourceName: string, value: string, description?: string): NormalizedNode {
  const table = resourceAppId.toLowerCase() === MICROSOFT_GRAPH_APP_ID ? ENTRA_PERMISSIONS : NO_KNOWN_PERMISSIONS;
  const mapped = normalizePermission(value, table, graphPermissionScope);
  return b.node({
    nodeType: 'permission',
    sourceId: `${kind === 'application' ? 'appRole' : 'scope'}/${resourceAppId}/${value}`,
    displayName: `${resourceName}: ${value}${kind === 'delegated' ? ' (delegated)' : ''}`,
    status: 'active',
    properties: {
      permissionName: value,
      normalizedAction: mapped.action,
      scope: mapped.scope,
      mappingBasis: mapped.basis,
      mapped: mapped.mapped,
      ...(mapped.signInOnly ? { signInOnly: true } : {}),
      permissionType: kind,
      resourceAppId,
      ...(description ? { description } : {}),
    },
  });
}

/** Service principal sign-ins, one evidence node per principal: how often and when last it ran. */
function signInEvidence(b: GraphBuilder, signIns: RawEntity[]): void {
  const byPrincipal = new Map<string, R[]>();
  for (const s of signIns) {
    const id = str(s.properties.servicePrincipalId);
    if (id && b.nodes.has(b.id(id))) byPrincipal.set(id, [...(byPrincipal.get(id) ?? []), s.properties]);
  }
  for (const [spId, records] of byPrincipal) {
    const sorted = [...records].sort((x, y) => String(x.createdDateTime).localeCompare(String(y.createdDateTime)));
    const last = sorted.at(-1) as R;
    const lastAt = toIso(last.createdDateTime) as string;
    const sp = b.nodes.get(b.id(spId));
    if (sp?.nodeType === 'identity') sp.properties.lastActivityAt = lastAt;
    const evidence = b.node({
      nodeType: 'execution_evidence',
      sourceId: `signIns/${spId}`,
      displayName: `Sign-ins of ${str(last.servicePrincipalName) ?? str(last.appDisplayName) ?? spId}`,
      status: 'active',
      properties: {
        executionType: 'sign_in',
        executedAt: lastAt,
        executionCount: records.length,
        outcome: (last.status as R | undefined)?.errorCode === 0 ? 'success' : 'failure',
        actorNodeId: b.id(spId),
        ...(str(last.resourceDisplayName) ? { targetResource: str(last.resourceDisplayName) } : {}),
      },
    });
    const byResource = new Map<string, R[]>();
    for (const r of records) byResource.set(String(r.resourceId), [...(byResource.get(String(r.resourceId)) ?? []), r]);
    for (const [resourceId, hits] of byResource) {
      const resource = b.node({
        nodeType: 'resource',
        sourceId: `api/${resourceId}`,
        displayName: str(hits[0]?.resourceDisplayName) ?? resourceId,
        status: 'active',
        properties: { resourceSubtype: 'api_endpoint', businessDomain: 'unknown', sensitivity: 'internal', resourceServicePrincipalId: resourceId },
      });
      const lastHit = toIso(hits.map((h) => String(h.createdDateTime)).sort().at(-1));
      const props = { executionCount: hits.length, ...(lastHit ? { lastExecution: lastHit } : {}) };
      b.edge('EXECUTES_ON', b.id(spId), resource.nodeId, `signIns/${spId}/${resourceId}`, props);
      b.edge('EXECUTES_ON', evidence.nodeId, resource.nodeId, `signIns/${spId}/${resourceId}`, props);
    }
  }
}

/**
 * Security relevance (seed IdentityProperties): signing in recently = active_external; holding
 * admin/delegate permissions or a privileged role without recent use = dormant_authority.
 */
function classifyRelevance(nodes: NormalizedNode[], edges: NormalizedGraph['edges']): void {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  for (const n of nodes) {
    if (n.nodeType !== 'identity') continue;
    const powerful = edges.some((e) => {
      if (e.sourceNodeId !== n.nodeId) return false;
      const t = byId.get(e.targetNodeId);
      return (
        (e.edgeType === 'GRANTS' && t?.nodeType === 'permission' && ['admin', 'delegate'].includes(t.properties.normalizedAction)) ||
        (e.edgeType === 'HAS_ROLE' && t?.nodeType === 'role' && t.properties.isPrivileged)
      );
    });
    n.properties.securityRelevance = n.properties.lastActivityAt ? 'active_external' : powerful ? 'dormant_authority' : 'internal_inventory';
  }
}

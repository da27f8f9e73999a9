import { toIso } from '../../src/connector/collection.ts';
import { evidenceCompletenessOf, extractionScopeOf } from '../../src/connector/extraction-scope.ts';
import { GraphBuilder } from '../../src/connector/graph-builder.ts';
import { applyOwnershipStates } from '../../src/connector/ownership-state.ts';
import type { RawExtraction } from '../../src/connector/types.ts';
import type { JsonValue, NormalizedGraph, NormalizedNode } from '../../src/model/index.ts';
import { classifyResource } from '../../src/resolve/business-domain.ts';
import { parseCodeowners } from './codeowners.ts';
import type { CodeownersRule } from './codeowners.ts';
import { ACTIONS_OIDC_ISSUER, GITHUB_PRODUCES, gitHubPermission, ORG_ROLES } from './mappings.ts';
import { environmentSummary } from './environments.ts';
import { workflowNode } from './workflow-node.ts';

// GitHub records → normalized graph. People are org members and outside collaborators (by login);
// anyone a token or CODEOWNERS names who is no longer in the org is kept as a disabled person, so
// what they own turns orphaned. A workflow is an automation (entry point: its triggers); an App
// installation an identity with its permissions; a PAT or a deploy key a credential; an Actions
// secret a credential known by name and scope only.

type R = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function transformGitHub(raw: RawExtraction): NormalizedGraph {
  const b = new GraphBuilder('github', raw.sourceScope, raw.extractedAt);
  const now = raw.extractedAt;
  const issuer = str(raw.transformSettings?.oidcIssuer) ?? ACTIONS_OIDC_ISSUER;
  const byType = (t: string) => raw.entities.filter((e) => e.sourceType === t);
  const person = (login: string) => b.id(`user/${login.toLowerCase()}`);

  // People and org roles.
  for (const e of [...byType('member'), ...byType('outsideCollaborator')]) {
    const p = e.properties;
    const role = e.sourceType === 'member' ? String(p.orgRole ?? 'member') : 'outside_collaborator';
    b.node({
      nodeType: 'human_identity',
      sourceId: `user/${e.sourceId}`,
      displayName: String(p.login),
      status: 'active',
      properties: { accountEnabled: true, login: String(p.login), githubUserId: Number(p.id), orgRole: role, accountType: str(p.type) ?? 'User' },
    });
    const orgRole = ORG_ROLES[role];
    if (!orgRole) continue;
    const roleNode = b.node({ nodeType: 'role', sourceId: `org-role/${role}`, displayName: orgRole.displayName, status: 'active', properties: { roleName: orgRole.displayName, roleSubtype: 'custom', isPrivileged: orgRole.privileged } });
    for (const [name, level] of orgRole.grants) b.edge('GRANTS', roleNode.nodeId, permissionNode(b, name, level).nodeId, `org-role/${role}`);
    b.edge('HAS_ROLE', person(e.sourceId), roleNode.nodeId, `orgs/members?role=${role}/${e.sourceId}`, { inherited: false });
  }
  /** Someone a record names who is not (or no longer) in the organization. */
  const ensurePerson = (login: string, why: string): string => {
    const id = person(login);
    if (!b.nodes.has(id)) {
      b.node({ nodeType: 'human_identity', sourceId: `user/${login.toLowerCase()}`, displayName: login, status: 'disabled', properties: { accountEnabled: false, login, orgRole: 'none', membership: `not a member of the organization (named by ${why})` } });
    }
    return id;
  };

  for (const e of byType('team')) {
    const p = e.properties;
    b.node({ nodeType: 'role', sourceId: `team/${e.sourceId}`, displayName: `team ${str(p.name) ?? e.sourceId}`, status: 'active', properties: { roleName: str(p.name) ?? e.sourceId, roleSubtype: 'custom', isPrivileged: false, kind: 'team', privacy: str(p.privacy) ?? null } });
  }
  for (const rel of raw.relationships.filter((r) => r.type === 'teamMember')) {
    if (b.nodes.has(person(rel.sourceId))) b.edge('BELONGS_TO', person(rel.sourceId), b.id(`team/${rel.targetId}`), `teams/${rel.targetId}/members/${rel.sourceId}`);
  }

  // GitHub App installations: identities holding their installation permissions.
  for (const e of byType('installation')) {
    const p = e.properties;
    const slug = str(p.app_slug) ?? `app-${String(p.app_id)}`;
    const node = b.node({
      nodeType: 'identity',
      sourceId: `installation/${e.sourceId}`,
      displayName: slug,
      status: p.suspended_at ? 'disabled' : 'active',
      ...(toIso(p.created_at) ? { createdAt: toIso(p.created_at) } : {}),
      ...(toIso(p.updated_at) ? { lastModifiedAt: toIso(p.updated_at) } : {}),
      properties: {
        identitySubtype: 'github_app',
        executionMode: 'autonomous',
        ownershipState: 'unattributed',
        githubAppId: String(p.app_id),
        appSlug: slug,
        installationId: e.sourceId,
        repositorySelection: str(p.repository_selection) ?? 'unknown',
        events: (Array.isArray(p.events) ? p.events.map(String) : []) as JsonValue,
      },
    });
    for (const [name, level] of permissionPairs(p.permissionList)) {
      b.edge('GRANTS', node.nodeId, permissionNode(b, name, level).nodeId, `installations/${e.sourceId}`, { repositorySelection: str(p.repository_selection) ?? 'unknown' });
    }
  }

  // Fine-grained PATs: approved grants are credentials of their owner; pending requests grant nothing yet.
  for (const e of [...byType('personalAccessToken'), ...byType('personalAccessTokenRequest')]) {
    const p = e.properties;
    const granted = e.sourceType === 'personalAccessToken';
    const owner = (p.owner ?? {}) as R;
    const login = str(owner.login);
    const expiresAt = toIso(p.token_expires_at);
    const node = b.node({
      nodeType: 'credential',
      sourceId: `pat/${String(p.token_id ?? e.sourceId)}`,
      displayName: `${str(p.token_name) ?? 'fine-grained token'} (${login ?? 'unknown owner'})`,
      status: !granted ? 'disabled' : p.expired === true || (expiresAt !== undefined && expiresAt <= now) ? 'expired' : 'active',
      properties: {
        credentialSubtype: 'pat',
        ...(expiresAt ? { expiresAt } : {}),
        ...(toIso(p.token_last_used_at) ? { lastUsedAt: toIso(p.token_last_used_at) } : {}),
        tokenKind: 'fine_grained',
        grantStatus: granted ? 'approved' : 'pending_approval',
        repositorySelection: str(p.repository_selection) ?? 'unknown',
        ...(toIso(p.access_granted_at) ? { accessGrantedAt: toIso(p.access_granted_at) } : {}),
        ...(granted ? {} : { requestedPermissions: permissionPairs(p.permissionList).map(([name, level]) => `${name}: ${level}`) }),
      },
    });
    if (login) b.edge('OWNED_BY', node.nodeId, ensurePerson(login, `token ${str(p.token_name) ?? e.sourceId}`), `personal-access-tokens/${e.sourceId}`);
    if (!granted) continue;
    for (const [name, level] of permissionPairs(p.permissionList)) {
      b.edge('GRANTS', node.nodeId, permissionNode(b, name, level).nodeId, `personal-access-tokens/${e.sourceId}`, { repositorySelection: str(p.repository_selection) ?? 'unknown' });
    }
  }

  // SAML credential authorizations: classic PATs and the OAuth apps members approved.
  for (const e of byType('credentialAuthorization')) {
    const p = e.properties;
    const login = str(p.login);
    const scopes = Array.isArray(p.scopes) ? p.scopes.map(String) : [];
    const kind = String(p.kind ?? '');
    if (/oauth app/i.test(kind)) {
      const title = str(p.title) ?? `OAuth app ${e.sourceId}`;
      const app = b.node({ nodeType: 'identity', sourceId: `oauth-app/${title.toLowerCase()}`, displayName: title, status: 'active', properties: { identitySubtype: 'oauth_app', executionMode: 'operator_assisted', ownershipState: 'unattributed', approvedScopes: scopes } });
      for (const s of scopes) b.edge('GRANTS', app.nodeId, permissionNode(b, s).nodeId, `credential-authorizations/${e.sourceId}`, { grantedBy: login ?? 'unknown' });
      if (login) b.edge('APPROVED_BY', app.nodeId, ensurePerson(login, `OAuth app ${title}`), `credential-authorizations/${e.sourceId}`, { approvalType: 'initial_setup' });
    } else if (/personal access token/i.test(kind)) {
      const expiresAt = toIso(p.expires_at);
      const pat = b.node({
        nodeType: 'credential',
        sourceId: `classic-pat/${e.sourceId}`,
        displayName: `${str(p.note) ?? 'classic token'} (${login ?? 'unknown owner'})`,
        status: expiresAt && expiresAt <= now ? 'expired' : 'active',
        properties: { credentialSubtype: 'pat', tokenKind: 'classic', ...(expiresAt ? { expiresAt } : {}), ...(toIso(p.accessed_at) ? { lastUsedAt: toIso(p.accessed_at) } : {}) },
      });
      if (login) b.edge('OWNED_BY', pat.nodeId, ensurePerson(login, 'a classic token'), `credential-authorizations/${e.sourceId}`);
      for (const s of scopes) b.edge('GRANTS', pat.nodeId, permissionNode(b, s).nodeId, `credential-authorizations/${e.sourceId}`);
    }
  }

  // Repositories, their variables (names only) and environments (protection rules).
  const repos = new Map<string, R>();
  const variables = new Map<string, string>();
  for (const e of byType('variable')) if (str(e.properties.value)) variables.set(e.sourceId, String(e.properties.value));
  const environments = new Map<string, R>();
  for (const e of byType('environment')) environments.set(e.sourceId, e.properties);
  for (const e of byType('repository')) {
    const p = e.properties;
    repos.set(e.sourceId, p);
    const name = String(p.name);
    const cls = classifyResource(name);
    const repoEnvs = [...environments.entries()].filter(([k]) => k.startsWith(`${e.sourceId}/`)).map(([, env]) => environmentSummary(env));
    b.node({
      nodeType: 'resource',
      sourceId: `repo/${e.sourceId}`,
      displayName: String(p.full_name),
      status: p.archived === true ? 'disabled' : 'active',
      ...(toIso(p.created_at) ? { createdAt: toIso(p.created_at) } : {}),
      properties: {
        resourceSubtype: 'repository',
        // Code is engineering unless its name says otherwise (seed: repo_*, pipeline_*, deploy_*).
        businessDomain: cls.businessDomain === 'unknown' ? 'engineering' : cls.businessDomain,
        sensitivity: p.private === true || p.visibility === 'internal' ? (cls.sensitivity === 'confidential' ? 'confidential' : 'internal') : 'public',
        visibility: str(p.visibility) ?? (p.private ? 'private' : 'public'),
        defaultBranch: str(p.default_branch) ?? 'main',
        environments: repoEnvs as JsonValue,
        actionsVariables: byType('variable').filter((v) => v.properties.repository === p.full_name).map((v) => `${String(v.properties.scope)}:${String(v.properties.name)}`),
      },
    });
  }

  // Actions secrets: name and scope, never a value.
  for (const e of byType('secret')) {
    const p = e.properties;
    const scope = String(p.scope);
    b.node({
      nodeType: 'credential',
      sourceId: `secret/${e.sourceId}`,
      displayName: `${String(p.name)} (${scope === 'organization' ? 'organization' : scope === 'environment' ? `${String(p.repository)} env ${String(p.environment)}` : String(p.repository)})`,
      status: 'active',
      ...(toIso(p.created_at) ? { createdAt: toIso(p.created_at) } : {}),
      properties: {
        credentialSubtype: 'ci_secret',
        ...(toIso(p.updated_at) ? { rotatedAt: toIso(p.updated_at) } : {}),
        secretName: String(p.name),
        secretScope: scope,
        ...(str(p.repository) ? { repository: str(p.repository) } : {}),
        ...(str(p.environment) ? { environment: str(p.environment) } : {}),
        ...(str(p.visibility) ? { visibility: str(p.visibility) } : {}),
        ...(Array.isArray(p.selectedRepositories) ? { selectedRepositories: p.selectedRepositories.map(String) } : {}),
      },
    });
  }

  // Deploy keys: SSH keys with read or write access to one repository.
  for (const e of byType('deployKey')) {
    const p = e.properties;
    const key = b.node({
      nodeType: 'credential',
      sourceId: `deploy-key/${e.sourceId}`,
      displayName: `deploy key ${str(p.title) ?? e.sourceId} (${String(p.repository)})`,
      status: 'active',
      ...(toIso(p.created_at) ? { createdAt: toIso(p.created_at) } : {}),
      properties: { credentialSubtype: 'ssh_key', readOnly: p.read_only !== false, repository: String(p.repository), ...(toIso(p.last_used) ? { lastUsedAt: toIso(p.last_used) } : {}), addedBy: str(p.added_by) ?? null },
    });
    b.edge('GRANTS', key.nodeId, permissionNode(b, 'contents', p.read_only === false ? 'write' : 'read').nodeId, `repos/${String(p.repository)}/keys/${String(p.id)}`, { repository: String(p.repository) });
  }

  // Workflows.
  const codeowners = new Map<string, CodeownersRule[]>();
  for (const e of byType('codeowners')) codeowners.set(e.sourceId, parseCodeowners(String(e.properties.content ?? '')));
  const secretsByScope = new Map(byType('secret').map((e) => [e.sourceId, b.id(`secret/${e.sourceId}`)]));
  for (const e of byType('workflow')) workflowNode(b, e, { issuer, repos, variables, codeowners, secretsByScope, ensurePerson, environments });

  const nodes = [...b.nodes.values()];
  const edges = [...b.edges.values()];
  applyOwnershipStates(nodes, edges, now);
  return {
    syncId: raw.syncId,
    connectorId: raw.connectorId,
    tenantId: raw.tenantId,
    transformedAt: now,
    nodes,
    edges,
    temporalMarkers: [],
    evidenceCompleteness: evidenceCompletenessOf(raw.metadata.collections),
    extractionScope: raw.syncMode === 'full' ? extractionScopeOf(raw.metadata.collections, GITHUB_PRODUCES) : { completeNodeTypes: [], completeEdgeTypes: [] },
  };
}

function permissionNode(b: GraphBuilder, name: string, level?: string): NormalizedNode {
  const mapped = gitHubPermission(name, level);
  const label = level ? `${name}: ${level}` : name;
  return b.node({
    nodeType: 'permission',
    sourceId: `permission/${level ? `${name}:${level}` : `scope:${name}`}`,
    displayName: `GitHub ${label}`,
    status: 'active',
    properties: { permissionName: label, normalizedAction: mapped.action, scope: mapped.scope, mappingBasis: mapped.basis },
  });
}

/** "contents:write" entries (extract.ts withPermissionList) as [name, level] pairs. */
function permissionPairs(value: unknown): Array<[string, string]> {
  if (!Array.isArray(value)) return [];
  return value.map(String).map((entry): [string, string] => {
    const at = entry.lastIndexOf(':');
    return [entry.slice(0, at), entry.slice(at + 1)];
  });
}

import type { Produces } from '../../src/connector/extraction-scope.ts';
import type { NormalizedAction } from '../../src/model/index.ts';
import { normalizePermission } from '../../src/resolve/permission-action.ts';
import type { ActionMapping, KnownPermission } from '../../src/resolve/permission-action.ts';

// GitHub permissions → the seven actions. The seed's rows (003 "Permission Normalization Guide"):
// contents read → read, contents write → update, actions write → execute, admin on a repository
// → admin, members write on the org → delegate. The other fine-grained permissions follow the
// seed's rules with the permission's own meaning, written out here so none is a guess; anything
// not listed goes through the rules and says so (basis rule_N).

export const GITHUB_PERMISSIONS: Record<string, KnownPermission> = {
  'contents:read': { action: 'read', scope: 'repository_contents' },
  'contents:write': { action: 'update', scope: 'repository_contents' },
  'actions:read': { action: 'read', scope: 'workflows' },
  'actions:write': { action: 'execute', scope: 'workflows' },
  'administration:read': { action: 'read', scope: 'repository' },
  'administration:write': { action: 'admin', scope: 'repository' },
  'repository:admin': { action: 'admin', scope: 'repository' },
  'members:read': { action: 'read', scope: 'org_membership' },
  'members:write': { action: 'delegate', scope: 'org_membership' },
  'metadata:read': { action: 'read', scope: 'repository_metadata' },
  'pull_requests:read': { action: 'read', scope: 'pull_requests' },
  'pull_requests:write': { action: 'update', scope: 'pull_requests' },
  'issues:read': { action: 'read', scope: 'issues' },
  'issues:write': { action: 'update', scope: 'issues' },
  'checks:write': { action: 'update', scope: 'checks' },
  'statuses:write': { action: 'update', scope: 'statuses' },
  'deployments:write': { action: 'execute', scope: 'deployments' },
  'environments:write': { action: 'admin', scope: 'environments' },
  // Workflow files define what runs with the repository's secrets: writing them is execute.
  'workflows:write': { action: 'execute', scope: 'workflows' },
  'secrets:read': { action: 'read', scope: 'actions_secrets' },
  'secrets:write': { action: 'admin', scope: 'actions_secrets' },
  'actions_variables:write': { action: 'update', scope: 'actions_variables' },
  'organization_administration:write': { action: 'admin', scope: 'organization' },
  'organization_administration:read': { action: 'read', scope: 'organization' },
  'organization_secrets:write': { action: 'admin', scope: 'actions_secrets' },
  'organization_self_hosted_runners:write': { action: 'admin', scope: 'runners' },
  'organization_personal_access_tokens:write': { action: 'delegate', scope: 'personal_access_tokens' },
  'organization_personal_access_token_requests:write': { action: 'delegate', scope: 'personal_access_tokens' },
  'organization_user_blocking:write': { action: 'admin', scope: 'organization' },
  // Classic OAuth / PAT scopes (credential authorizations).
  repo: { action: 'update', scope: 'repository_contents' },
  'public_repo': { action: 'update', scope: 'repository_contents' },
  workflow: { action: 'execute', scope: 'workflows' },
  'admin:org': { action: 'admin', scope: 'organization' },
  'write:org': { action: 'delegate', scope: 'org_membership' },
  'read:org': { action: 'read', scope: 'org_membership' },
  'admin:repo_hook': { action: 'admin', scope: 'repository' },
  'delete_repo': { action: 'delete', scope: 'repository' },
  'read:user': { action: 'read', scope: 'users' },
  'user:email': { action: 'read', scope: 'users' },
};

/** A fine-grained permission and its level ("contents", "write") or a classic scope ("admin:org"). */
export function gitHubPermission(name: string, level?: string): ActionMapping {
  const key = level ? `${name}:${level}` : name;
  return normalizePermission(key, GITHUB_PERMISSIONS, () => name.replace(/^organization_/, '').toLowerCase());
}

/** Org roles (members API `role`): an owner administers the org and can grant anyone access. */
export const ORG_ROLES: Record<string, { displayName: string; privileged: boolean; grants: Array<[string, string]> }> = {
  admin: { displayName: 'Organization owner', privileged: true, grants: [['organization_administration', 'write'], ['members', 'write']] },
  member: { displayName: 'Organization member', privileged: false, grants: [['members', 'read']] },
};

export const ACTIONS_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** Which events run a workflow by themselves (no person pressing a button). */
export const AUTONOMOUS_EVENTS = new Set(['push', 'pull_request', 'pull_request_target', 'schedule', 'workflow_run', 'repository_dispatch', 'release', 'merge_group', 'issues', 'issue_comment', 'deployment', 'create', 'delete', 'status', 'check_run', 'check_suite', 'registry_package', 'page_build']);

export function triggerTypeOf(event: string): 'schedule' | 'event' | 'manual' | 'api_call' {
  if (event === 'schedule') return 'schedule';
  if (event === 'workflow_dispatch') return 'manual';
  if (event === 'repository_dispatch') return 'api_call';
  return 'event';
}

export function isPowerful(action: NormalizedAction): boolean {
  return action === 'admin' || action === 'delegate';
}

// What each collection produces, for the extraction scope (which types the diff may delete).
export const GITHUB_PRODUCES: Record<string, Produces> = {
  members: { nodes: ['human_identity', 'role', 'permission'], edges: ['HAS_ROLE', 'GRANTS'] },
  outsideCollaborators: { nodes: ['human_identity'], edges: [] },
  teams: { nodes: ['role'], edges: ['BELONGS_TO'] },
  installations: { nodes: ['identity', 'permission'], edges: ['GRANTS'] },
  personalAccessTokens: { nodes: ['credential', 'permission'], edges: ['GRANTS', 'OWNED_BY'] },
  personalAccessTokenRequests: { nodes: ['credential'], edges: ['OWNED_BY'] },
  credentialAuthorizations: { nodes: ['identity', 'credential', 'permission'], edges: ['APPROVED_BY', 'OWNED_BY', 'GRANTS'] },
  repositories: { nodes: ['resource'], edges: [] },
  workflows: { nodes: ['automation'], edges: ['TRIGGERS_ON', 'USES', 'OWNED_BY'] },
  secrets: { nodes: ['credential'], edges: ['USES'] },
  environments: { nodes: [], edges: [] },
  deployKeys: { nodes: ['credential', 'permission'], edges: ['GRANTS'] },
  codeowners: { nodes: ['human_identity'], edges: ['OWNED_BY'] },
};

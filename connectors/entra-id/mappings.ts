import type { KnownPermission } from '../../src/resolve/permission-action.ts';
import type { Produces } from '../../src/connector/extraction-scope.ts';
import { GRAPH_PERMISSIONS } from './graph-permissions.ts';

// Microsoft Graph's permissions, seed 003's Entra rows included (graph-permissions.ts). Other
// resources' permissions go through the seed's rules (src/resolve/permission-action.ts).
export const ENTRA_PERMISSIONS: Readonly<Record<string, KnownPermission>> = GRAPH_PERMISSIONS;
/** A resource that is not Microsoft Graph has its own meaning for a name: no table applies. */
export const NO_KNOWN_PERMISSIONS: Readonly<Record<string, KnownPermission>> = {};

/** Scope of an unknown Graph permission: its resource segment, "Mail.Send" → "mail". */
export function graphPermissionScope(name: string): string {
  return (name.split('.')[0] ?? name).toLowerCase();
}

/** Microsoft Graph's appId: its app roles are the application permissions. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** appOwnerOrganizationId of Microsoft's own (first-party) applications. */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

// Directory roles that can take over the tenant or its apps (Microsoft "privileged" role list,
// by roleTemplateId, which is the same in every tenant).
export const PRIVILEGED_ROLE_TEMPLATES: Record<string, string> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': 'Hybrid Identity Administrator',
};

// What each collection produces, for the extraction scope (which types may be deleted by the diff).
export const ENTRA_PRODUCES: Record<string, Produces> = {
  servicePrincipals: { nodes: ['identity'], edges: ['OWNED_BY'] },
  applications: { nodes: ['identity', 'credential'], edges: ['OWNED_BY', 'AUTHENTICATES_AS'] },
  users: { nodes: ['human_identity'], edges: [] },
  federatedIdentityCredentials: { nodes: ['credential'], edges: ['AUTHENTICATES_AS'] },
  appRoleAssignments: { nodes: ['permission'], edges: ['GRANTS'] },
  oauth2PermissionGrants: { nodes: ['permission'], edges: ['GRANTS'] },
  directoryRoles: { nodes: ['role'], edges: ['HAS_ROLE'] },
  signIns: { nodes: ['execution_evidence', 'resource'], edges: ['EXECUTES_ON'] },
};

import { z } from 'zod';
import { DateTime, JsonValue, NonEmpty } from './common.ts';
import {
  BusinessDomain,
  ExecutionMode,
  NodeStatus,
  NormalizedAction,
  OwnershipState,
  SecurityRelevance,
  SensitivityLevel,
  SourceSystem,
} from './enums.ts';

// Per-type property schemas (seed 003 "Type-specific property interfaces"). They are loose:
// connectors may add classification fields (egress_category, chainMembership hints …) which are
// kept as JSON, but the named fields are always checked.

export const ChainMembershipHint = z.object({
  role: z.enum(['entry_point', 'code_component', 'outbound_target', 'auth_credential', 'destination_identity']),
  anchorEntityId: NonEmpty,
  chainSemanticHash: z.string().optional(),
});

const extra = JsonValue;

export const IdentityProperties = z.object({
  identitySubtype: z.enum([
    'service_principal',
    'oauth_app',
    'github_app',
    'agent',
    'machine_account',
    'bot',
    'integration_user',
    'system_execution',
  ]),
  executionMode: ExecutionMode,
  securityRelevance: SecurityRelevance.optional(),
  lastActivityAt: DateTime.optional(),
  ownershipState: OwnershipState,
  appId: z.string().optional(),
  issuingTenantId: z.string().optional(),
}).catchall(extra);

export const AutomationProperties = z.object({
  automationSubtype: z.enum([
    'business_rule',
    'script_include',
    'flow_designer_flow',
    'scheduled_job',
    'event_script',
    'transform_map',
    // A CI/CD pipeline definition (a GitHub Actions workflow file): runs on its triggers.
    'ci_workflow',
  ]),
  executionMode: ExecutionMode,
  securityRelevance: SecurityRelevance,
  lastActivityAt: DateTime.optional(),
  ownershipState: OwnershipState,
  chainMembership: ChainMembershipHint.optional(),
}).catchall(extra);

export const ConnectionProperties = z.object({
  connectionSubtype: z.enum(['rest_message', 'rest_method', 'soap_message', 'http_connection']),
  targetUrl: z.string().optional(),
  authMethod: z.string().optional(),
  description: z.string().optional(),
}).catchall(extra);

export const CredentialProperties = z.object({
  credentialSubtype: z.enum([
    'oauth_client_secret',
    'certificate',
    'pat',
    'api_key',
    'oidc_token',
    'ssh_key',
    'oauth_provider',
    'oauth_profile',
    'client_secret',
    // Entra trust of an external token issuer (GitHub Actions OIDC): no secret exists at all.
    'federated_identity_credential',
    // A CI secret (GitHub Actions): its name and scope are known, never its value.
    'ci_secret',
    // An inbound OAuth client registration (ServiceNow oauth_entity of type "client"): an outside
    // app presents its client id and runs as the registration's application user.
    'oauth_client',
  ]),
  expiresAt: DateTime.optional(),
  lastUsedAt: DateTime.optional(),
  rotatedAt: DateTime.optional(),
  clientId: z.string().optional(),
}).catchall(extra);

export const HumanIdentityProperties = z.object({
  email: z.string().optional(),
  orgUnit: z.string().optional(),
  jobTitle: z.string().optional(),
  accountEnabled: z.boolean(),
  disabledAt: DateTime.optional(),
  deletedAt: DateTime.optional(),
  departedAt: DateTime.optional(),
}).catchall(extra);

export const RoleProperties = z.object({
  roleName: NonEmpty,
  roleSubtype: z.enum(['application', 'directory', 'cloud_iam', 'custom']),
  description: z.string().optional(),
  isPrivileged: z.boolean(),
}).catchall(extra);

export const PermissionProperties = z.object({
  permissionName: NonEmpty,
  normalizedAction: NormalizedAction,
  scope: z.string(),
  description: z.string().optional(),
  // False when no mapping table knew the permission: normalizedAction is then the seed rules'
  // guess ("unmapped — assumed admin"), never to be shown as a fact. Absent: not recorded.
  mapped: z.boolean().optional(),
  // OpenID Connect scopes (openid, profile, email, offline_access): sign-in, nothing more.
  signInOnly: z.boolean().optional(),
}).catchall(extra);

export const ResourceProperties = z.object({
  resourceSubtype: z.enum(['table', 'module', 'api_endpoint', 'repository', 'secret', 'workflow', 'storage', 'compute']),
  businessDomain: BusinessDomain,
  sensitivity: SensitivityLevel,
  containsPii: z.boolean().optional(),
  containsFinancialData: z.boolean().optional(),
}).catchall(extra);

export const ExecutionEvidenceProperties = z.object({
  executionType: NonEmpty,
  executedAt: DateTime,
  action: z.string().optional(),
  targetResource: z.string().optional(),
  outcome: z.enum(['success', 'failure', 'unknown']),
  executionCount: z.number().int().nonnegative().optional(),
}).catchall(extra);

// Common fields of every node (seed 003 NormalizedNode), plus sourceScope: the source instance
// (Entra tenant id, ServiceNow instance URL) so two instances of one source never collide
// (seed open question 6, DESIGN decision 2).
const nodeBase = {
  nodeId: NonEmpty,
  sourceSystem: SourceSystem,
  sourceScope: NonEmpty,
  sourceId: NonEmpty,
  displayName: z.string(),
  status: NodeStatus,
  createdAt: DateTime.optional(),
  lastModifiedAt: DateTime.optional(),
  // Set on tombstones: a node absent from a complete extraction keeps its history.
  deletedAt: DateTime.optional(),
};

export const IdentityNode = z.object({ ...nodeBase, nodeType: z.literal('identity'), properties: IdentityProperties });
export const AutomationNode = z.object({ ...nodeBase, nodeType: z.literal('automation'), properties: AutomationProperties });
export const ConnectionNode = z.object({ ...nodeBase, nodeType: z.literal('connection'), properties: ConnectionProperties });
export const CredentialNode = z.object({ ...nodeBase, nodeType: z.literal('credential'), properties: CredentialProperties });
export const HumanIdentityNode = z.object({
  ...nodeBase,
  nodeType: z.literal('human_identity'),
  properties: HumanIdentityProperties,
});
export const RoleNode = z.object({ ...nodeBase, nodeType: z.literal('role'), properties: RoleProperties });
export const PermissionNode = z.object({ ...nodeBase, nodeType: z.literal('permission'), properties: PermissionProperties });
export const ResourceNode = z.object({ ...nodeBase, nodeType: z.literal('resource'), properties: ResourceProperties });
export const ExecutionEvidenceNode = z.object({
  ...nodeBase,
  nodeType: z.literal('execution_evidence'),
  properties: ExecutionEvidenceProperties,
});

export const NormalizedNode = z.discriminatedUnion('nodeType', [
  IdentityNode,
  AutomationNode,
  ConnectionNode,
  CredentialNode,
  HumanIdentityNode,
  RoleNode,
  PermissionNode,
  ResourceNode,
  ExecutionEvidenceNode,
]);
export type NormalizedNode = z.infer<typeof NormalizedNode>;
export type NodeOfType<T extends NormalizedNode['nodeType']> = Extract<NormalizedNode, { nodeType: T }>;

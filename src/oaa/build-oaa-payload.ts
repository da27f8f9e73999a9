import { findSecretPaths } from '../model/index.ts';
import type { NodeOfType, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { resolveAsOf } from '../storage/as-of.ts';
import type { ReadAt, StorageAdapter } from '../storage/StorageAdapter.ts';
import { ADMIN_LEVELS, oaaMapping } from './action-mapping.ts';
import type { OaaMapping } from './action-mapping.ts';
import { OaaCustomApplicationPayload } from './oaa-template.ts';
import type { OaaIdentityToPermissions, OaaLocalRole, OaaLocalUser, OaaPermission, OaaPropertyDefinitions, OaaResource } from './oaa-template.ts';

// A tenant's authority graph as one OAA Custom Application payload: identities (non-human and
// human) become local users, roles local roles, permission nodes custom permissions (with the
// seed's action → OAA type mapping), resources resources, and HAS_ROLE / MEMBER_OF / GRANTS
// edges the identity-to-permissions bindings. Only named, non-secret fields are exported; the
// result is validated against the OAA template shape before anyone writes it.

export const OAA_APPLICATION_TYPE = 'authgraph';

export interface OaaExportOptions {
  /** An ISO timestamp or a sync id (see resolveAsOf); absent: the current graph. */
  asOf?: string;
  /** The export's own timestamp (the application's exported_at property). */
  now?: string;
}

export interface OaaExportSummary {
  localUsers: number;
  localRoles: number;
  permissions: number;
  resources: number;
  bindings: number;
  /** Permissions whose OAA type was chosen by their scope words (see action-mapping.ts). */
  mappedByScope: number;
  /**
   * Grants the Custom Application template has no place for, named so the export is not mistaken
   * for the whole graph: roles and permissions held by credentials, and edges to nodes not live
   * at the export's moment.
   */
  notExported: { credentialGrants: number; danglingEdges: number };
}

export interface OaaExport {
  payload: OaaCustomApplicationPayload;
  /** The moment the graph was read at (resolved from --as-of), absent for the current graph. */
  asOf?: string;
  summary: OaaExportSummary;
}

const byId = <T extends { nodeId: string }>(nodes: readonly T[]) => new Map(nodes.map((n) => [n.nodeId, n]));
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function buildOaaPayload(storage: StorageAdapter, tenantId: string, options: OaaExportOptions = {}): Promise<OaaExport> {
  const resolved = await resolveAsOf(storage, tenantId, options.asOf);
  const at: ReadAt | undefined = resolved ? { asOf: resolved } : undefined;
  const [identities, humans, roles, permissions, resources, credentials] = await Promise.all([
    storage.getNodesByType(tenantId, 'identity', at) as Promise<NodeOfType<'identity'>[]>,
    storage.getNodesByType(tenantId, 'human_identity', at) as Promise<NodeOfType<'human_identity'>[]>,
    storage.getNodesByType(tenantId, 'role', at) as Promise<NodeOfType<'role'>[]>,
    storage.getNodesByType(tenantId, 'permission', at) as Promise<NodeOfType<'permission'>[]>,
    storage.getNodesByType(tenantId, 'resource', at) as Promise<NodeOfType<'resource'>[]>,
    storage.getNodesByType(tenantId, 'credential', at),
  ]);
  const outgoing = await outgoingEdges(storage, tenantId, [...identities, ...humans, ...roles, ...permissions, ...credentials], at);
  const edgesOf = (nodeId: string, ...types: NormalizedEdge['edgeType'][]) => (outgoing.get(nodeId) ?? []).filter((e) => types.includes(e.edgeType));

  const roleById = byId(roles);
  const permissionById = byId(permissions);
  const resourceById = byId(resources);
  let danglingEdges = 0;
  /** Targets of an edge list that are live at the moment; the rest are counted, not exported. */
  const liveTargets = <T>(edges: NormalizedEdge[], nodes: Map<string, T>): T[] =>
    edges.flatMap((e) => {
      const target = nodes.get(e.targetNodeId);
      if (!target) danglingEdges++;
      return target ? [target] : [];
    });

  // Custom permissions: one per permission node; names are what bindings refer to, so they must
  // be unique — a name two sources share gets its node id.
  const nameCount = new Map<string, number>();
  for (const p of permissions) nameCount.set(p.properties.permissionName, (nameCount.get(p.properties.permissionName) ?? 0) + 1);
  const permissionName = (p: NodeOfType<'permission'>) =>
    nameCount.get(p.properties.permissionName)! > 1 ? `${p.properties.permissionName} [${p.nodeId}]` : p.properties.permissionName;
  const mappingOf = new Map<string, OaaMapping>(permissions.map((p) => [p.nodeId, oaaMapping(p.properties.normalizedAction, p.properties.scope)]));
  const resourcesOfPermission = new Map(permissions.map((p) => [p.nodeId, liveTargets(edgesOf(p.nodeId, 'APPLIES_TO'), resourceById)]));

  const oaaPermissions: OaaPermission[] = permissions
    .map((p) => ({
      name: permissionName(p),
      permission_type: mappingOf.get(p.nodeId)!.permissionType,
      apply_to_sub_resources: false,
      resource_types: sorted(resourcesOfPermission.get(p.nodeId)!.map((r) => r.properties.resourceSubtype)),
    }))
    .sort((a, b) => cmp(a.name, b.name));

  const permissionsOfRole = new Map(roles.map((r) => [r.nodeId, liveTargets(edgesOf(r.nodeId, 'GRANTS'), permissionById)]));
  const authority = (granted: readonly NodeOfType<'permission'>[]) => {
    const seedTypes = granted.map((p) => mappingOf.get(p.nodeId)!.seedType);
    return {
      ...listProperty('authority_levels', seedTypes.filter((t) => ADMIN_LEVELS.includes(t))),
      ...listProperty('normalized_actions', granted.map((p) => p.properties.normalizedAction)),
      ...listProperty('oaa_types', seedTypes),
    };
  };

  const localRoles: OaaLocalRole[] = roles
    .map((r) => ({
      name: r.properties.roleName,
      id: r.nodeId,
      permissions: sorted(permissionsOfRole.get(r.nodeId)!.map(permissionName)),
      custom_properties: {
        source_system: r.sourceSystem,
        role_subtype: r.properties.roleSubtype,
        is_privileged: r.properties.isPrivileged,
        ...authority(permissionsOfRole.get(r.nodeId)!),
      },
    }))
    .sort((a, b) => cmp(a.id, b.id));

  const oaaResources: OaaResource[] = resources
    .map((r) => ({
      name: r.displayName || r.sourceId,
      id: r.nodeId,
      resource_type: r.properties.resourceSubtype,
      custom_properties: {
        source_system: r.sourceSystem,
        business_domain: r.properties.businessDomain,
        sensitivity: r.properties.sensitivity,
        ...(r.properties.containsPii !== undefined ? { contains_pii: r.properties.containsPii } : {}),
        ...(r.properties.containsFinancialData !== undefined ? { contains_financial_data: r.properties.containsFinancialData } : {}),
      },
    }))
    .sort((a, b) => cmp(a.id, b.id));

  const application = `authgraph-${tenantId}`;
  const people: (NodeOfType<'identity'> | NodeOfType<'human_identity'>)[] = [...identities, ...humans].sort((a, b) => cmp(a.nodeId, b.nodeId));
  const localUsers: OaaLocalUser[] = [];
  const bindings: OaaIdentityToPermissions[] = [];
  for (const person of people) {
    const heldRoles = liveTargets(edgesOf(person.nodeId, 'HAS_ROLE', 'MEMBER_OF'), roleById);
    const direct = liveTargets(edgesOf(person.nodeId, 'GRANTS'), permissionById);
    const effective = [...heldRoles.flatMap((r) => permissionsOfRole.get(r.nodeId)!), ...direct];
    localUsers.push(localUser(person, authority(effective)));

    const role_assignments = uniqueBy(heldRoles, (r) => r.nodeId).map((role) => {
      const granted = permissionsOfRole.get(role.nodeId)!;
      const onResources = granted.flatMap((p) => resourcesOfPermission.get(p.nodeId)!.map((r) => r.nodeId));
      // A role whose permissions name no resource (or that has no known permissions: a privileged
      // directory role, say) applies to the application as a whole.
      const toApplication = granted.length === 0 || granted.some((p) => resourcesOfPermission.get(p.nodeId)!.length === 0);
      return { application, role: role.nodeId, apply_to_application: toApplication, resources: sorted(onResources) };
    }).sort((a, b) => cmp(a.role, b.role));
    const application_permissions = uniqueBy(direct, (p) => p.nodeId).map((p) => {
      const on = sorted(resourcesOfPermission.get(p.nodeId)!.map((r) => r.nodeId));
      return on.length ? { application, permission: permissionName(p), resources: on } : { application, permission: permissionName(p), apply_to_application: true };
    }).sort((a, b) => cmp(a.permission, b.permission));
    if (role_assignments.length || application_permissions.length) {
      bindings.push({
        identity: person.nodeId,
        identity_type: 'local_user',
        ...(application_permissions.length ? { application_permissions } : {}),
        ...(role_assignments.length ? { role_assignments } : {}),
      });
    }
  }
  const credentialGrants = credentials.reduce((n, c) => n + edgesOf(c.nodeId, 'HAS_ROLE', 'GRANTS').length, 0);

  const exportedAt = options.now ?? new Date().toISOString();
  const payload = OaaCustomApplicationPayload.parse({
    custom_property_definition: { applications: [propertyDefinitions(oaaResources, resolved !== undefined)] },
    applications: [
      {
        name: application,
        application_type: OAA_APPLICATION_TYPE,
        description: `Authgraph authority graph of tenant ${tenantId}${resolved ? ` as of ${resolved}` : ''}`,
        local_users: localUsers,
        local_groups: [],
        local_roles: localRoles,
        tags: [],
        custom_properties: { authgraph_tenant: tenantId, exported_at: exportedAt, ...(resolved ? { graph_as_of: resolved } : {}) },
        resources: oaaResources,
      },
    ],
    permissions: oaaPermissions,
    identity_to_permissions: bindings,
  });
  // Belt and braces: only named fields are exported, and the result is scanned to prove it.
  const secretPaths = findSecretPaths(payload);
  if (secretPaths.length) throw new Error(`OAA export refused: secret-named fields at ${secretPaths.map((p) => p.join('.')).join(', ')}`);

  return {
    payload,
    ...(resolved ? { asOf: resolved } : {}),
    summary: {
      localUsers: localUsers.length,
      localRoles: localRoles.length,
      permissions: oaaPermissions.length,
      resources: oaaResources.length,
      bindings: bindings.length,
      mappedByScope: [...mappingOf.values()].filter((m) => m.basis === 'scope').length,
      notExported: { credentialGrants, danglingEdges },
    },
  };
}

function localUser(person: NodeOfType<'identity'> | NodeOfType<'human_identity'>, authority: Record<string, string[]>): OaaLocalUser {
  const common = {
    name: person.displayName || person.sourceId,
    id: person.nodeId,
    is_active: person.status === 'active',
    ...(person.createdAt ? { created_at: person.createdAt } : {}),
  };
  if (person.nodeType === 'human_identity') {
    return {
      ...common,
      // Veza links a local user to the IdP user with this address.
      ...(person.properties.email ? { identities: [person.properties.email] } : {}),
      ...(person.properties.disabledAt ? { deactivated_at: person.properties.disabledAt } : {}),
      custom_properties: { source_system: person.sourceSystem, identity_kind: 'human', ...authority },
    };
  }
  return {
    ...common,
    ...(person.properties.lastActivityAt ? { last_login_at: person.properties.lastActivityAt } : {}),
    custom_properties: {
      source_system: person.sourceSystem,
      identity_kind: person.properties.identitySubtype,
      execution_mode: person.properties.executionMode,
      ownership_state: person.properties.ownershipState,
      ...authority,
    },
  };
}

function listProperty(name: string, values: readonly string[]): Record<string, string[]> {
  return values.length ? { [name]: sorted(values) } : {};
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

function propertyDefinitions(resources: readonly OaaResource[], hasAsOf: boolean): OaaPropertyDefinitions {
  const authority = { authority_levels: 'STRING_LIST', normalized_actions: 'STRING_LIST', oaa_types: 'STRING_LIST' } as const;
  return {
    application_type: OAA_APPLICATION_TYPE,
    application_properties: { authgraph_tenant: 'STRING', exported_at: 'TIMESTAMP', ...(hasAsOf ? { graph_as_of: 'TIMESTAMP' } : {}) },
    local_user_properties: { source_system: 'STRING', identity_kind: 'STRING', execution_mode: 'STRING', ownership_state: 'STRING', ...authority },
    local_group_properties: {},
    local_role_properties: { source_system: 'STRING', role_subtype: 'STRING', is_privileged: 'BOOLEAN', ...authority },
    resources: sorted(resources.map((r) => r.resource_type)).map((resource_type) => ({
      resource_type,
      properties: { source_system: 'STRING', business_domain: 'STRING', sensitivity: 'STRING', contains_pii: 'BOOLEAN', contains_financial_data: 'BOOLEAN' },
    })),
  };
}

async function outgoingEdges(storage: StorageAdapter, tenantId: string, nodes: readonly NormalizedNode[], at: ReadAt | undefined): Promise<Map<string, NormalizedEdge[]>> {
  const out = new Map<string, NormalizedEdge[]>();
  // A few reads in flight at a time: enough to hide round trips, few enough for a shared server.
  const CONCURRENCY = 8;
  for (let i = 0; i < nodes.length; i += CONCURRENCY) {
    const slice = nodes.slice(i, i + CONCURRENCY);
    const edges = await Promise.all(slice.map((n) => storage.getEdgesForNode(tenantId, n.nodeId, 'outgoing', at)));
    slice.forEach((n, j) => out.set(n.nodeId, [...edges[j]!].sort((a, b) => cmp(a.edgeId, b.edgeId))));
  }
  return out;
}

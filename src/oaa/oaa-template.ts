import { z } from 'zod';
import { DateTime, NonEmpty } from '../model/index.ts';

// The shape of a Veza Open Authorization API (OAA) payload for the Custom Application template,
// written from Veza's published template documentation ("Custom Application Template",
// developer.veza.com/oaa) and the field names its public SDK (Veza/oaaclient) emits. Objects are
// strict: a field Veza does not know is a mistake here, not an extension. The cross-reference
// checks at the end are the ones Veza applies when it parses a payload (every permission, role,
// identity and resource named in identity_to_permissions must be defined in the payload).

/** Veza's canonical permissions: what a custom permission means in Data / Metadata / NonData terms. */
export const OAA_CANONICAL_PERMISSIONS = [
  'DataRead',
  'DataWrite',
  'DataCreate',
  'DataDelete',
  'MetadataRead',
  'MetadataWrite',
  'MetadataCreate',
  'MetadataDelete',
  'NonData',
  'Uncategorized',
] as const;
export const OaaCanonicalPermission = z.enum(OAA_CANONICAL_PERMISSIONS);
export type OaaCanonicalPermission = z.infer<typeof OaaCanonicalPermission>;

export const OaaPropertyType = z.enum(['BOOLEAN', 'NUMBER', 'STRING', 'STRING_LIST', 'TIMESTAMP']);
export type OaaPropertyType = z.infer<typeof OaaPropertyType>;

const PropertyDefinitions = z.record(z.string(), OaaPropertyType);
const CustomProperties = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));
const Tag = z.strictObject({ key: NonEmpty, value: z.string() });

export const OaaLocalUser = z.strictObject({
  name: NonEmpty,
  id: NonEmpty.optional(),
  identities: z.array(NonEmpty).optional(),
  groups: z.array(NonEmpty).optional(),
  is_active: z.boolean().optional(),
  created_at: DateTime.optional(),
  last_login_at: DateTime.optional(),
  deactivated_at: DateTime.optional(),
  password_last_changed_at: DateTime.optional(),
  tags: z.array(Tag).optional(),
  custom_properties: CustomProperties.optional(),
});
export type OaaLocalUser = z.infer<typeof OaaLocalUser>;

export const OaaLocalGroup = z.strictObject({
  name: NonEmpty,
  id: NonEmpty.optional(),
  identities: z.array(NonEmpty).optional(),
  groups: z.array(NonEmpty).optional(),
  created_at: DateTime.optional(),
  tags: z.array(Tag).optional(),
  custom_properties: CustomProperties.optional(),
});

export const OaaLocalRole = z.strictObject({
  name: NonEmpty,
  id: NonEmpty.optional(),
  permissions: z.array(NonEmpty),
  tags: z.array(Tag).optional(),
  custom_properties: CustomProperties.optional(),
});
export type OaaLocalRole = z.infer<typeof OaaLocalRole>;

export interface OaaResource {
  name: string;
  id?: string | undefined;
  resource_type: string;
  description?: string | undefined;
  connections?: { id: string; node_type: string }[] | undefined;
  sub_resources?: OaaResource[] | undefined;
  custom_properties?: z.infer<typeof CustomProperties> | undefined;
  tags?: z.infer<typeof Tag>[] | undefined;
}
export const OaaResource: z.ZodType<OaaResource> = z.lazy(() =>
  z.strictObject({
    name: NonEmpty,
    id: NonEmpty.optional(),
    resource_type: NonEmpty,
    description: z.string().optional(),
    connections: z.array(z.strictObject({ id: NonEmpty, node_type: NonEmpty })).optional(),
    sub_resources: z.array(OaaResource).optional(),
    custom_properties: CustomProperties.optional(),
    tags: z.array(Tag).optional(),
  }),
);

export const OaaApplication = z.strictObject({
  name: NonEmpty,
  application_type: NonEmpty,
  description: z.string().optional(),
  local_users: z.array(OaaLocalUser),
  local_groups: z.array(OaaLocalGroup),
  local_roles: z.array(OaaLocalRole),
  tags: z.array(Tag),
  custom_properties: CustomProperties,
  resources: z.array(OaaResource),
});
export type OaaApplication = z.infer<typeof OaaApplication>;

export const OaaPermission = z.strictObject({
  name: NonEmpty,
  permission_type: z.array(OaaCanonicalPermission).min(1),
  apply_to_sub_resources: z.boolean(),
  resource_types: z.array(NonEmpty),
});
export type OaaPermission = z.infer<typeof OaaPermission>;

const ApplicationPermission = z.strictObject({
  application: NonEmpty,
  permission: NonEmpty,
  apply_to_application: z.boolean().optional(),
  resources: z.array(NonEmpty).optional(),
});
const RoleAssignment = z.strictObject({
  application: NonEmpty,
  role: NonEmpty,
  apply_to_application: z.boolean(),
  resources: z.array(NonEmpty),
});
export const OaaIdentityToPermissions = z.strictObject({
  identity: NonEmpty,
  identity_type: z.enum(['local_user', 'local_group', 'local_role', 'idp']),
  application_permissions: z.array(ApplicationPermission).optional(),
  role_assignments: z.array(RoleAssignment).optional(),
});
export type OaaIdentityToPermissions = z.infer<typeof OaaIdentityToPermissions>;

export const OaaPropertyDefinitions = z.strictObject({
  application_type: NonEmpty,
  application_properties: PropertyDefinitions,
  local_user_properties: PropertyDefinitions,
  local_group_properties: PropertyDefinitions,
  local_role_properties: PropertyDefinitions,
  resources: z.array(z.strictObject({ resource_type: NonEmpty, properties: PropertyDefinitions })),
});
export type OaaPropertyDefinitions = z.infer<typeof OaaPropertyDefinitions>;

const PayloadShape = z.strictObject({
  custom_property_definition: z.strictObject({ applications: z.array(OaaPropertyDefinitions) }),
  applications: z.array(OaaApplication).min(1),
  permissions: z.array(OaaPermission),
  identity_to_permissions: z.array(OaaIdentityToPermissions),
});

export const OaaCustomApplicationPayload = PayloadShape.superRefine((payload, ctx) => {
  for (const problem of referenceProblems(payload)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});
export type OaaCustomApplicationPayload = z.infer<typeof OaaCustomApplicationPayload>;

interface Problem {
  path: (string | number)[];
  message: string;
}

const key = (entity: { id?: string | undefined; name: string }) => entity.id ?? entity.name;

function allResources(resources: readonly OaaResource[]): OaaResource[] {
  return resources.flatMap((r) => [r, ...allResources(r.sub_resources ?? [])]);
}

/** What Veza refuses when it parses a payload: names that point nowhere, duplicates, undeclared properties. */
function referenceProblems(payload: z.infer<typeof PayloadShape>): Problem[] {
  const problems: Problem[] = [];
  const permissionNames = new Set(payload.permissions.map((p) => p.name));
  if (permissionNames.size !== payload.permissions.length) problems.push({ path: ['permissions'], message: 'permission names must be unique' });

  payload.applications.forEach((app, a) => {
    const definitions = payload.custom_property_definition.applications.find((d) => d.application_type === app.application_type);
    const users = new Set(app.local_users.map(key));
    const groups = new Set(app.local_groups.map(key));
    const roles = new Set(app.local_roles.map(key));
    const resources = allResources(app.resources);
    const resourceKeys = new Set(resources.map(key));
    if (users.size !== app.local_users.length) problems.push({ path: ['applications', a, 'local_users'], message: 'local user ids must be unique' });
    if (roles.size !== app.local_roles.length) problems.push({ path: ['applications', a, 'local_roles'], message: 'local role ids must be unique' });
    if (resourceKeys.size !== resources.length) problems.push({ path: ['applications', a, 'resources'], message: 'resource ids must be unique' });

    const checkProperties = (props: Record<string, unknown> | undefined, declared: Record<string, OaaPropertyType> | undefined, path: (string | number)[]) => {
      for (const [name, value] of Object.entries(props ?? {})) {
        const type = declared?.[name];
        if (!type) problems.push({ path: [...path, name], message: `custom property ${name} is not declared in custom_property_definition` });
        else if (!valueMatches(type, value)) problems.push({ path: [...path, name], message: `custom property ${name} must be ${type}` });
      }
    };
    checkProperties(app.custom_properties, definitions?.application_properties, ['applications', a, 'custom_properties']);
    app.local_users.forEach((u, i) => {
      checkProperties(u.custom_properties, definitions?.local_user_properties, ['applications', a, 'local_users', i, 'custom_properties']);
      for (const g of u.groups ?? []) if (!groups.has(g)) problems.push({ path: ['applications', a, 'local_users', i, 'groups'], message: `unknown local group ${g}` });
    });
    app.local_roles.forEach((r, i) => {
      checkProperties(r.custom_properties, definitions?.local_role_properties, ['applications', a, 'local_roles', i, 'custom_properties']);
      for (const p of r.permissions) if (!permissionNames.has(p)) problems.push({ path: ['applications', a, 'local_roles', i, 'permissions'], message: `unknown permission ${p}` });
    });
    for (const [i, r] of resources.entries()) {
      const declared = definitions?.resources.find((d) => d.resource_type === r.resource_type)?.properties;
      checkProperties(r.custom_properties, declared, ['applications', a, 'resources', i, 'custom_properties']);
    }

    payload.identity_to_permissions.forEach((binding, b) => {
      const path = ['identity_to_permissions', b];
      const known = binding.identity_type === 'local_user' ? users : binding.identity_type === 'local_group' ? groups : binding.identity_type === 'local_role' ? roles : undefined;
      if (known && !known.has(binding.identity)) problems.push({ path: [...path, 'identity'], message: `unknown ${binding.identity_type} ${binding.identity}` });
      for (const grant of binding.application_permissions ?? []) {
        if (grant.application !== app.name) continue;
        if (!permissionNames.has(grant.permission)) problems.push({ path: [...path, 'application_permissions'], message: `unknown permission ${grant.permission}` });
        if (!grant.apply_to_application && !grant.resources?.length) problems.push({ path: [...path, 'application_permissions'], message: `permission ${grant.permission} applies to nothing` });
        for (const r of grant.resources ?? []) if (!resourceKeys.has(r)) problems.push({ path: [...path, 'application_permissions'], message: `unknown resource ${r}` });
      }
      for (const assignment of binding.role_assignments ?? []) {
        if (assignment.application !== app.name) continue;
        if (!roles.has(assignment.role)) problems.push({ path: [...path, 'role_assignments'], message: `unknown role ${assignment.role}` });
        for (const r of assignment.resources) if (!resourceKeys.has(r)) problems.push({ path: [...path, 'role_assignments'], message: `unknown resource ${r}` });
      }
    });
  });
  const appNames = new Set(payload.applications.map((a) => a.name));
  payload.identity_to_permissions.forEach((binding, b) => {
    for (const ref of [...(binding.application_permissions ?? []), ...(binding.role_assignments ?? [])]) {
      if (!appNames.has(ref.application)) problems.push({ path: ['identity_to_permissions', b], message: `unknown application ${ref.application}` });
    }
  });
  return problems;
}

function valueMatches(type: OaaPropertyType, value: unknown): boolean {
  switch (type) {
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'NUMBER':
      return typeof value === 'number' && Number.isInteger(value);
    case 'STRING':
      return typeof value === 'string';
    case 'STRING_LIST':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'TIMESTAMP':
      return typeof value === 'string' && DateTime.safeParse(value).success;
  }
}

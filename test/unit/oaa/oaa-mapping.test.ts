import { describe, expect, it } from 'vitest';
import { oaaMapping } from '../../../src/oaa/action-mapping.ts';
import { OaaCustomApplicationPayload } from '../../../src/oaa/oaa-template.ts';
import type { NormalizedAction } from '../../../src/model/index.ts';

describe('seed 003 action → OAA type mapping', () => {
  // Rows of the seed's "Permission Normalization Guide", through the export's reverse mapping.
  it.each<[string, NormalizedAction, string, string]>([
    ['Entra Application.Read.All', 'read', 'applications', 'MetadataRead'],
    ['Entra User.Read.All', 'read', 'users', 'DataRead'],
    ['Entra Application.ReadWrite.All', 'admin', 'applications', 'AppAdmin'],
    ['Entra Directory.ReadWrite.All', 'admin', 'directory', 'SystemAdmin'],
    ['ServiceNow itil', 'update', 'incident,problem,change', 'DataWrite'],
    ['ServiceNow admin', 'admin', 'all', 'SystemAdmin'],
    ['ServiceNow catalog_admin', 'admin', 'service_catalog', 'AppAdmin'],
    ['ServiceNow create on table X', 'create', 'table_x', 'DataCreate'],
    ['GitHub contents: write', 'update', 'repository_contents', 'DataWrite'],
    ['GitHub actions: write', 'execute', 'workflows', 'NonData'],
    ['GitHub admin on repo', 'admin', 'repository', 'AppAdmin'],
    ['GitHub members: write on org', 'delegate', 'org_membership', 'GlobalAdmin'],
    ['AWS iam:CreateRole', 'delegate', 'iam_roles', 'GlobalAdmin'],
    ['AWS s3:GetObject', 'read', 's3_bucket/prefix', 'DataRead'],
    ['Snowflake INSERT on table', 'create', 'database.schema.table', 'DataCreate'],
    ['Snowflake ACCOUNTADMIN', 'admin', 'account', 'SystemAdmin'],
    ['a repo setting change', 'update', 'repository_settings', 'MetadataWrite'],
    ['a delete', 'delete', 'hr_tables', 'DataDelete'],
  ])('%s (%s on %s) → %s', (_label, action, scope, seedType) => {
    expect(oaaMapping(action, scope).seedType).toBe(seedType);
  });

  it('exports admin levels as the canonical permissions they imply, and says which mappings rest on scope', () => {
    expect(oaaMapping('admin', 'all').permissionType).toHaveLength(8);
    expect(oaaMapping('admin', 'all').permissionType).not.toContain('NonData');
    expect(oaaMapping('delegate', 'org_membership').permissionType.every((p) => p.startsWith('Metadata'))).toBe(true);
    expect(oaaMapping('read', 'users')).toMatchObject({ permissionType: ['DataRead'], basis: 'scope' });
    expect(oaaMapping('execute', 'workflows').basis).toBe('action');
  });
});

/** A payload written the way Veza's Custom Application template documents it. */
function documentedPayload() {
  return {
    custom_property_definition: {
      applications: [
        {
          application_type: 'sample',
          application_properties: { owner: 'STRING' },
          local_user_properties: { department: 'STRING' },
          local_group_properties: {},
          local_role_properties: {},
          resources: [{ resource_type: 'repo', properties: { private: 'BOOLEAN' } }],
        },
      ],
    },
    applications: [
      {
        name: 'Sample App',
        application_type: 'sample',
        description: 'an app',
        local_users: [
          { name: 'bob', id: 'u1', identities: ['bob@example.com'], is_active: true, last_login_at: '2026-01-01T00:00:00Z', custom_properties: { department: 'it' } },
        ],
        local_groups: [{ name: 'admins', id: 'g1' }],
        local_roles: [{ name: 'maintainer', id: 'r1', permissions: ['push', 'pull'] }],
        tags: [{ key: 'env', value: 'prod' }],
        custom_properties: { owner: 'ops' },
        resources: [{ name: 'repo1', id: 'res1', resource_type: 'repo', custom_properties: { private: true }, sub_resources: [{ name: 'main', id: 'res1.main', resource_type: 'branch' }] }],
      },
    ],
    permissions: [
      { name: 'pull', permission_type: ['DataRead'], apply_to_sub_resources: true, resource_types: [] },
      { name: 'push', permission_type: ['DataWrite', 'DataRead'], apply_to_sub_resources: false, resource_types: ['repo'] },
    ],
    identity_to_permissions: [
      {
        identity: 'u1',
        identity_type: 'local_user',
        application_permissions: [{ application: 'Sample App', permission: 'pull', apply_to_application: true }],
        role_assignments: [{ application: 'Sample App', role: 'r1', apply_to_application: false, resources: ['res1', 'res1.main'] }],
      },
      { identity: 'admins@example.com', identity_type: 'idp', application_permissions: [{ application: 'Sample App', permission: 'push', resources: ['res1'] }] },
    ],
  };
}

describe('OAA Custom Application template shape', () => {
  it('accepts a payload written as the template documents it', () => {
    const result = OaaCustomApplicationPayload.safeParse(documentedPayload());
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('rejects what Veza rejects: unknown canonical types, dangling names, undeclared or mistyped properties, unknown fields', () => {
    const issues = (mutate: (p: ReturnType<typeof documentedPayload>) => void) => {
      const p = documentedPayload();
      mutate(p);
      return (OaaCustomApplicationPayload.safeParse(p).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues((p) => (p.permissions[0]!.permission_type = ['AppAdmin']))).toEqual([expect.stringContaining('permissions.0.permission_type.0')]);
    expect(issues((p) => (p.applications[0]!.local_roles[0]!.permissions = ['merge']))).toEqual([expect.stringContaining('unknown permission merge')]);
    expect(issues((p) => (p.identity_to_permissions[0]!.identity = 'u2'))).toEqual([expect.stringContaining('unknown local_user u2')]);
    expect(issues((p) => (p.identity_to_permissions[0]!.role_assignments![0]!.resources = ['res9']))).toEqual([expect.stringContaining('unknown resource res9')]);
    expect(issues((p) => (p.applications[0]!.local_users[0]!.custom_properties = { title: 'x' } as never))).toEqual([expect.stringContaining('title is not declared')]);
    expect(issues((p) => (p.applications[0]!.resources[0]!.custom_properties = { private: 'yes' } as never))).toEqual([expect.stringContaining('private must be BOOLEAN')]);
    expect(issues((p) => Object.assign(p.applications[0]!.local_users[0]!, { email: 'bob@example.com' }))).toEqual([expect.stringContaining('email')]);
    expect(issues((p) => (p.identity_to_permissions[1]!.application_permissions![0]!.application = 'Other App'))).toEqual([expect.stringContaining('unknown application Other App')]);
  });
});

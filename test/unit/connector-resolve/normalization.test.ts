import { describe, expect, it } from 'vitest';
import { classifyByName, classifyResource } from '../../../src/resolve/business-domain.ts';
import { normalizePermission } from '../../../src/resolve/permission-action.ts';
import { ENTRA_PERMISSIONS, graphPermissionScope } from '../../../connectors/entra-id/mappings.ts';
import { roleScope, SERVICENOW_ROLE_PERMISSIONS } from '../../../connectors/servicenow/mappings.ts';

describe('permission → normalized action (seed table)', () => {
  it.each([
    ['Application.Read.All', 'read', 'applications'],
    ['Application.ReadWrite.All', 'admin', 'applications'],
    ['User.Read.All', 'read', 'users'],
    ['Directory.ReadWrite.All', 'admin', 'directory'],
  ])('Entra %s → %s on %s', (name, action, scope) => {
    expect(normalizePermission(name, ENTRA_PERMISSIONS, graphPermissionScope)).toEqual({ action, scope, basis: 'table', mapped: true });
  });

  it.each([
    ['itil', 'update', 'incident,problem,change'],
    ['admin', 'admin', 'all'],
    ['catalog_admin', 'admin', 'service_catalog'],
    ['hr_read', 'read', 'hr_tables'],
  ])('ServiceNow %s → %s on %s', (name, action, scope) => {
    expect(normalizePermission(name, SERVICENOW_ROLE_PERMISSIONS, roleScope)).toEqual({ action, scope, basis: 'table', mapped: true });
  });
});

describe('permission normalization rules for unknown permissions', () => {
  const norm = (n: string) => normalizePermission(n, {}, graphPermissionScope);
  it('a rule\'s answer is a guess: mapped false, and labelled so', async () => {
    const { actionLabel } = await import('../../../src/resolve/permission-action.ts');
    expect(norm('Calendars.ReadWrite').mapped).toBe(false);
    expect(actionLabel({ normalizedAction: 'admin', mapped: false })).toBe('unmapped — assumed admin');
    expect(actionLabel({ normalizedAction: 'admin', mapped: true })).toBe('admin');
    expect(actionLabel({ normalizedAction: 'read', mapped: true, signInOnly: true })).toBe('read (sign-in only)');
    // An inherited name never counts as a table hit.
    expect(normalizePermission('constructor', SERVICENOW_ROLE_PERMISSIONS, roleScope).mapped).toBe(false);
  });
  it('granting access to others is delegate (rule 2)', () => {
    expect(norm('AppRoleAssignment.ReadWrite.All')).toMatchObject({ action: 'delegate', basis: 'rule_2' });
    expect(norm('RoleManagement.ReadWrite.Directory')).toMatchObject({ action: 'delegate' });
  });
  it('system configuration is admin (rule 1)', () => {
    expect(norm('Policy.ReadWrite.ConditionalAccess')).toMatchObject({ action: 'admin', basis: 'rule_1' });
    expect(norm('x_vendor_admin')).toMatchObject({ action: 'admin' });
  });
  it('triggering is execute, writes are create/update, removal is delete, viewing is read', () => {
    expect(norm('Mail.Send').action).toBe('execute');
    expect(norm('Sites.Create.All').action).toBe('create');
    expect(norm('Calendars.ReadWrite').action).toBe('update');
    expect(norm('x_records_delete').action).toBe('delete');
    expect(norm('Reports.Read.All')).toMatchObject({ action: 'read', scope: 'reports', basis: 'rule_5' });
  });
  it('in doubt, the most permissive (rule 7)', () => {
    expect(norm('x_mystery_flag')).toEqual({ action: 'admin', scope: 'x_mystery_flag', basis: 'rule_7', mapped: false });
  });
});

describe('business domain by name (seed table)', () => {
  it.each([
    ['hr_case', 'hr'],
    ['payroll_run', 'hr'],
    ['sn_hr_core_case', 'hr'],
    ['x_contoso_payroll_run', 'hr'],
    ['invoice_line', 'finance'],
    ['gl_account', 'finance'],
    ['customer_account', 'customer'],
    ['case', 'customer'],
    ['incident', 'it_ops'],
    ['cmdb_ci', 'it_ops'],
    ['audit_log', 'security'],
    ['deploy_target', 'engineering'],
    ['sys_user', 'unknown'],
    ['hrx', 'unknown'],
  ])('%s → %s', (name, domain) => {
    expect(classifyByName(name)).toBe(domain);
  });

  it('config tableClassification wins over the name', () => {
    expect(classifyResource('incident', { incident: { domain: 'security', sensitivity: 'restricted', pii: true } })).toEqual({
      businessDomain: 'security',
      sensitivity: 'restricted',
      containsPii: true,
      basis: 'configured',
    });
    expect(classifyResource('hr_case')).toMatchObject({ businessDomain: 'hr', sensitivity: 'confidential', containsPii: true, basis: 'name_pattern' });
  });
});

import type { Produces } from '../../src/connector/extraction-scope.ts';
import { normalizePermission } from '../../src/resolve/permission-action.ts';
import type { ActionMapping, KnownPermission } from '../../src/resolve/permission-action.ts';

// TEMPLATE: the seed's rows for this source first; the rest goes through the seed's rules.
export const EXAMPLE_PERMISSIONS: Record<string, KnownPermission> = {
  'records:read': { action: 'read', scope: 'records' },
  'records:admin': { action: 'admin', scope: 'records' },
};
export const examplePermission = (name: string): ActionMapping => normalizePermission(name, EXAMPLE_PERMISSIONS, (n) => n.split(':')[0] ?? n);

// What each collection produces: the extraction scope, and the declared types, come from here.
export const EXAMPLE_PRODUCES: Record<string, Produces> = {
  serviceAccounts: { nodes: ['identity', 'permission'], edges: ['GRANTS'] },
};

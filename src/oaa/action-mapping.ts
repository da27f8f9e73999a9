import type { NormalizedAction } from '../model/index.ts';
import type { OaaCanonicalPermission } from './oaa-template.ts';

// Seed 003 "OAA Canonical Permission Mapping": Authgraph's seven normalized actions map back to
// OAA types on export, using the permission's scope to recover what the inbound mapping folded
// together (data vs configuration, application vs system level).
//
//   create → DataCreate            read   → DataRead | MetadataRead (scope)
//   update → DataWrite | MetadataWrite (scope)                delete → DataDelete
//   execute → NonData              admin  → AppAdmin | SystemAdmin (scope)    delegate → GlobalAdmin
//
// AppAdmin, SystemAdmin and GlobalAdmin are the seed's names for admin levels; OAA's
// permission_type only takes the canonical Data / Metadata / NonData values, so an admin level
// is exported as the canonical permissions it implies (below) and its name travels as a custom
// property (authority_levels) on the roles and users that hold it.

export type SeedOaaType =
  | 'DataCreate'
  | 'DataRead'
  | 'MetadataRead'
  | 'DataWrite'
  | 'MetadataWrite'
  | 'DataDelete'
  | 'NonData'
  | 'AppAdmin'
  | 'SystemAdmin'
  | 'GlobalAdmin';

export const ADMIN_LEVELS: readonly SeedOaaType[] = ['AppAdmin', 'SystemAdmin', 'GlobalAdmin'];

export interface OaaMapping {
  /** The seed's OAA type for this permission. */
  seedType: SeedOaaType;
  /** What goes into the payload's permission_type. */
  permissionType: OaaCanonicalPermission[];
  /**
   * 'action' when the normalized action alone decides; 'scope' when the scope words chose between
   * two types (a rule on words, so an analyst can see which mappings rest on it).
   */
  basis: 'action' | 'scope';
}

/**
 * Scopes that name configuration or authorization objects rather than business content: reading
 * or changing them is Metadata access in Veza's terms. Words, matched anywhere in the scope
 * (Entra `applications`, `directory`; AWS `iam_roles`; GitHub `org_membership`, `workflows`).
 */
const METADATA_SCOPE = /applications?|directory|roles?\b|role_|polic(y|ies)|iam|permissions?|membership|config|settings?|schema|metadata|workflows?/i;

/** Scopes that cover a whole system or tenant: an admin there is a system admin. */
const SYSTEM_SCOPE = /^(all|\*|directory|account|system|global|tenant|organi[sz]ation|org)$/i;

const EVERYTHING: OaaCanonicalPermission[] = [
  'DataRead',
  'DataWrite',
  'DataCreate',
  'DataDelete',
  'MetadataRead',
  'MetadataWrite',
  'MetadataCreate',
  'MetadataDelete',
];
// Granting access to others changes who may do what: full control of access metadata, not of
// the data itself (Veza: Metadata covers "access controls and configurations").
const ACCESS_CONTROL: OaaCanonicalPermission[] = ['MetadataRead', 'MetadataWrite', 'MetadataCreate', 'MetadataDelete'];

export function oaaMapping(action: NormalizedAction, scope: string): OaaMapping {
  const metadata = METADATA_SCOPE.test(scope);
  switch (action) {
    case 'create':
      return { seedType: 'DataCreate', permissionType: ['DataCreate'], basis: 'action' };
    case 'read':
      return metadata
        ? { seedType: 'MetadataRead', permissionType: ['MetadataRead'], basis: 'scope' }
        : { seedType: 'DataRead', permissionType: ['DataRead'], basis: 'scope' };
    case 'update':
      return metadata
        ? { seedType: 'MetadataWrite', permissionType: ['MetadataWrite'], basis: 'scope' }
        : { seedType: 'DataWrite', permissionType: ['DataWrite'], basis: 'scope' };
    case 'delete':
      return { seedType: 'DataDelete', permissionType: ['DataDelete'], basis: 'action' };
    case 'execute':
      return { seedType: 'NonData', permissionType: ['NonData'], basis: 'action' };
    case 'admin':
      return { seedType: SYSTEM_SCOPE.test(scope.trim()) ? 'SystemAdmin' : 'AppAdmin', permissionType: EVERYTHING, basis: 'scope' };
    case 'delegate':
      return { seedType: 'GlobalAdmin', permissionType: ACCESS_CONTROL, basis: 'action' };
  }
}

import type { NormalizedAction } from '../model/index.ts';

// Permission → NormalizedAction (seed 003 "Permission Normalization Guide"). Each connector gives
// its table of known permissions; anything else goes through the seed's rules, in the order that
// keeps rule 7 ("when in doubt, the most permissive"): granting access to others (delegate) is
// checked before system configuration (admin), before execute, writes, deletes and reads.

export interface ActionMapping {
  action: NormalizedAction;
  scope: string;
  /** 'table' when it came from the seed's table, else the rule number that decided it. */
  basis: 'table' | `rule_${1 | 2 | 3 | 4 | 5 | 6 | 7}`;
}

export interface KnownPermission {
  action: NormalizedAction;
  scope: string;
}

// Words in permission names that signal each rule. Graph names are Resource.Verb[.Qualifier]
// (Directory.ReadWrite.All); ServiceNow roles are snake_case (catalog_admin, hr_read).
const DELEGATE = /(roleassignment|approleassignment|permissiongrant|rolemanagement|user_admin|role_delegat|delegat|grant|impersonat)/i;
const ADMIN = /(^|[._])(admin|administrator|manage|fullcontrol|full_control|directory\.readwrite|policy\.readwrite|application\.readwrite|domain\.readwrite|organization\.readwrite|security_admin|maint)([._]|$)|readwrite\.all$|manageasapp/i;
const EXECUTE = /(execute|invoke|run|trigger|operator|flow_operator|automation|send)/i;
const CREATE = /(create|insert|add|_create$|\.create)/i;
const UPDATE = /(readwrite|write|update|edit|modify|itil)/i;
const DELETE = /(delete|remove|purge)/i;
const READ = /(read|view|list|get|query|reader|_read$|snc_internal|snc_external)/i;

export function normalizePermission(
  name: string,
  known: Readonly<Record<string, KnownPermission>>,
  defaultScope: (name: string) => string,
): ActionMapping {
  const hit = known[name] ?? known[name.toLowerCase()];
  if (hit) return { ...hit, basis: 'table' };
  const scope = defaultScope(name);
  if (DELEGATE.test(name)) return { action: 'delegate', scope, basis: 'rule_2' };
  if (ADMIN.test(name)) return { action: 'admin', scope, basis: 'rule_1' };
  if (EXECUTE.test(name)) return { action: 'execute', scope, basis: 'rule_3' };
  if (CREATE.test(name) && !READ.test(name)) return { action: 'create', scope, basis: 'rule_4' };
  if (UPDATE.test(name)) return { action: 'update', scope, basis: 'rule_4' };
  if (DELETE.test(name)) return { action: 'delete', scope, basis: 'rule_6' };
  if (READ.test(name)) return { action: 'read', scope, basis: 'rule_5' };
  return { action: 'admin', scope, basis: 'rule_7' };
}

import type { NormalizedAction } from '../model/index.ts';

// Permission → NormalizedAction (seed 003 "Permission Normalization Guide"). Each connector gives
// its table of known permissions (connectors/entra-id/graph-permissions.ts, connectors/servicenow/
// mappings.ts); anything else is `mapped: false` and goes through the seed's rules, in the order that
// keeps rule 7 ("when in doubt, the most permissive"): granting access to others (delegate) is
// checked before system configuration (admin), before execute, writes, deletes and reads.

export interface ActionMapping {
  action: NormalizedAction;
  scope: string;
  /** 'table' when it came from the connector's table, else the rule number that decided it. */
  basis: 'table' | `rule_${1 | 2 | 3 | 4 | 5 | 6 | 7}`;
  /**
   * True only for a table hit. A rule's answer is a guess from the name (rule 7: "when in doubt,
   * admin"), and a guess is never presented as a fact: see actionLabel.
   */
  mapped: boolean;
  /** OpenID Connect scopes: the permission signs a user in and grants nothing more. */
  signInOnly?: boolean;
}

export interface KnownPermission {
  action: NormalizedAction;
  scope: string;
  signInOnly?: boolean;
}

/** What the API, the CLI and evidence packs show: "admin", or "unmapped — assumed admin" for a guess. */
export function actionLabel(p: { normalizedAction: string; mapped?: unknown; signInOnly?: unknown }): string {
  if (p.signInOnly === true) return `${p.normalizedAction} (sign-in only)`;
  return p.mapped === false ? `unmapped — assumed ${p.normalizedAction}` : p.normalizedAction;
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
  const hit = Object.hasOwn(known, name) ? known[name] : Object.hasOwn(known, name.toLowerCase()) ? known[name.toLowerCase()] : undefined;
  if (hit) return { ...hit, basis: 'table', mapped: true };
  const scope = defaultScope(name);
  const guess = (action: NormalizedAction, basis: ActionMapping['basis']): ActionMapping => ({ action, scope, basis, mapped: false });
  if (DELEGATE.test(name)) return guess('delegate', 'rule_2');
  if (ADMIN.test(name)) return guess('admin', 'rule_1');
  if (EXECUTE.test(name)) return guess('execute', 'rule_3');
  if (CREATE.test(name) && !READ.test(name)) return guess('create', 'rule_4');
  if (UPDATE.test(name)) return guess('update', 'rule_4');
  if (DELETE.test(name)) return guess('delete', 'rule_6');
  if (READ.test(name)) return guess('read', 'rule_5');
  return guess('admin', 'rule_7');
}

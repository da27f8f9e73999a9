// What the real APIs leave out unless asked (issue 12): a recording holds every field, but Graph
// answers only a default property set for some resources and never a navigation property without
// $expand, and the Table API answers only sysparm_fields when given. Replaying that, a connector
// that forgets to ask for a field it reads fails its fixture tests as it would fail in production.

type Row = Record<string, unknown>;

/**
 * Graph's default property sets, for the resources that have one (learn.microsoft.com, "user
 * resource type": "by default, only a limited set of properties are returned"). Other resources
 * answer their full set.
 */
export const GRAPH_DEFAULT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  users: ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'],
  groups: ['id', 'displayName', 'description', 'groupTypes', 'mail', 'mailEnabled', 'mailNickname', 'securityEnabled', 'createdDateTime', 'visibility'],
};

/** Relationships Graph returns only when $expand names them. */
export const GRAPH_NAVIGATION_PROPERTIES: ReadonlySet<string> = new Set([
  'owners',
  'members',
  'memberOf',
  'transitiveMemberOf',
  'manager',
  'directReports',
  'appRoleAssignments',
  'appRoleAssignedTo',
  'oauth2PermissionGrants',
  'createdObjects',
  'ownedObjects',
]);

const list = (value: string | null): string[] | undefined =>
  value === null ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);

/** `$expand=owners($select=id),members` → owners, members. */
const expanded = (value: string | null): Set<string> => new Set((list(value) ?? []).map((e) => e.split('(')[0]!.trim()));

/** The Graph collection a request path names: the last segment, `delta` skipped. */
export function graphCollectionOf(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  const last = parts.at(-1) ?? '';
  return last === 'delta' ? (parts.at(-2) ?? '') : last;
}

/** Rows as Graph returns them for this request: $select (or the default set) and $expand applied. */
export function projectGraph(rows: Row[], url: URL): Row[] {
  const select = list(url.searchParams.get('$select'));
  const keep = select ? new Set(select) : GRAPH_DEFAULT_PROPERTIES[graphCollectionOf(url.pathname)] ? new Set(GRAPH_DEFAULT_PROPERTIES[graphCollectionOf(url.pathname)]) : undefined;
  const expand = expanded(url.searchParams.get('$expand'));
  return rows.map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      // Annotations (@odata.type, @removed in delta rounds) always come back.
      if (key.startsWith('@')) out[key] = value;
      else if (GRAPH_NAVIGATION_PROPERTIES.has(key)) {
        if (expand.has(key)) out[key] = value;
      } else if (!keep || keep.has(key)) out[key] = value;
    }
    return out;
  });
}

/** Rows as the Table API returns them: only sysparm_fields when given, every field otherwise. */
export function projectServiceNow(rows: Row[], url: URL): Row[] {
  const fields = list(url.searchParams.get('sysparm_fields'));
  if (!fields) return rows;
  return rows.map((row) => Object.fromEntries(fields.filter((f) => f in row).map((f) => [f, row[f]])));
}

import { formatLinkHeader } from '../link-header.ts';
import { projectGraph, projectServiceNow } from './projection.ts';
import { odataFilter, serviceNowQuery } from './query-filter.ts';

// The sources' real paging, replayed from one recorded collection. Both honour the page size the
// client asks for, so connector paging is exercised at any size.

type Row = Record<string, unknown>;

export interface PageResult {
  body: unknown;
  headers: Record<string, string>;
  pageIndex: number;
}

/** Microsoft Graph: `$top`, opaque `$skiptoken` in `@odata.nextLink`, `@odata.deltaLink` on the last delta page. */
export function odataPage(fixture: Row, url: URL, publicBase: string, defaultSize = 100): PageResult {
  const all = (Array.isArray(fixture.value) ? (fixture.value as Row[]) : []).filter(odataFilter(url.searchParams.get('$filter')));
  const size = clampSize(url.searchParams.get('$top'), defaultSize, 999);
  const skip = decodeSkip(url.searchParams.get('$skiptoken'));
  const value = projectGraph(all.slice(skip, skip + size), url);
  const { value: _ignored, '@odata.deltaLink': _delta, ...rest } = fixture;
  const body: Row = { ...rest, value };
  if (skip + size < all.length) {
    const next = new URL(url.pathname + url.search, publicBase);
    next.searchParams.set('$skiptoken', encodeSkip(skip + size));
    body['@odata.nextLink'] = next.toString();
  } else if (url.pathname.endsWith('/delta')) {
    const token = Number(url.searchParams.get('$deltatoken') ?? '0') + 1;
    const delta = new URL(url.pathname, publicBase);
    // Graph encodes the round's $select in its deltaLink: later rounds answer the same fields.
    const select = url.searchParams.get('$select');
    if (select !== null) delta.searchParams.set('$select', select);
    delta.searchParams.set('$deltatoken', String(token));
    body['@odata.deltaLink'] = delta.toString();
  }
  return { body, headers: {}, pageIndex: Math.floor(skip / size) };
}

/** ServiceNow Table API: `sysparm_limit` / `sysparm_offset`, RFC 8288 Link header, X-Total-Count. */
export function serviceNowPage(fixture: Row, url: URL, publicBase: string, defaultSize = 10000): PageResult {
  const { test, orderBy } = serviceNowQuery(url.searchParams.get('sysparm_query'));
  let all = (Array.isArray(fixture.result) ? (fixture.result as Row[]) : []).filter(test);
  if (orderBy) {
    const key = (r: Row) => String(r[orderBy.field] ?? '');
    all = [...all].sort((a, b) => (orderBy.desc ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))));
  }
  const size = clampSize(url.searchParams.get('sysparm_limit'), defaultSize, 10000);
  const offset = Math.max(0, Number(url.searchParams.get('sysparm_offset') ?? '0') || 0);
  const result = projectServiceNow(all.slice(offset, offset + size), url);
  const link = (o: number) => {
    const u = new URL(url.pathname + url.search, publicBase);
    u.searchParams.set('sysparm_limit', String(size));
    u.searchParams.set('sysparm_offset', String(o));
    return u.toString();
  };
  const lastOffset = Math.max(0, Math.floor((all.length - 1) / size) * size);
  const links: Record<string, string> = { first: link(0) };
  if (offset > 0) links.prev = link(Math.max(0, offset - size));
  if (offset + size < all.length) links.next = link(offset + size);
  links.last = link(lastOffset);
  return {
    body: { result },
    headers: { Link: formatLinkHeader(links), 'X-Total-Count': String(all.length) },
    pageIndex: Math.floor(offset / size),
  };
}

function clampSize(asked: string | null, fallback: number, max: number): number {
  const n = Number(asked);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

// Opaque like Graph's, so a client can't build its own and must follow the link.
const encodeSkip = (n: number) => Buffer.from(`skip:${n}`).toString('base64url');
function decodeSkip(token: string | null): number {
  if (!token) return 0;
  const m = /^skip:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return m ? Number(m[1]) : 0;
}

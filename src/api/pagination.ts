import { badInput } from './errors.ts';

// Relay cursors that name a position by its sort key, not by an offset: a page that starts after
// a key neither repeats nor skips anything when items before it appear or vanish meanwhile.

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: false;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export function encodeCursor(kind: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

/** The key inside a cursor of this kind; BAD_USER_INPUT for anything else. */
export function decodeCursor(kind: string, cursor: string): string[] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value[0] === kind && value.length > 1 && value.every((v) => typeof v === 'string')) {
      return value.slice(1) as string[];
    }
  } catch {
    // fall through
  }
  throw badInput('invalid cursor: pass an endCursor or edge cursor from this query');
}

const compareKeys = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** One page of `items` in key order, after the cursor's key. */
export function keysetPage<T>(items: readonly T[], keyOf: (item: T) => string[], kind: string, first: number, after?: string): Connection<T> {
  const afterKey = after === undefined ? undefined : decodeCursor(kind, after);
  const keyed = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key));
  const rest = afterKey ? keyed.filter((k) => compareKeys(k.key, afterKey) > 0) : keyed;
  const page = rest.slice(0, first);
  return connection(
    page.map((k) => ({ cursor: encodeCursor(kind, k.key), node: k.item })),
    rest.length > first,
  );
}

export function connection<T>(edges: { cursor: string; node: T }[], hasNextPage: boolean): Connection<T> {
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

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

export interface Keyed<T> {
  item: T;
  key: string[];
  /** Filled on first use: a shared sorted list encodes each cursor once. */
  cursor?: string;
}

/** Items with their sort keys, in key order: what pageOf cuts pages from. */
export function sortByKey<T>(items: readonly T[], keyOf: (item: T) => string[]): Keyed<T>[] {
  return items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key));
}

/** One page of key-sorted items: the first `first` whose key comes after the cursor's. */
export function pageOf<T>(sorted: readonly Keyed<T>[], kind: string, first: number, after?: string): Connection<T> {
  // One kind per list: the memoised cursors below are this kind's.
  let start = 0;
  if (after !== undefined) {
    const afterKey = decodeCursor(kind, after);
    let high = sorted.length;
    while (start < high) {
      const mid = (start + high) >>> 1;
      if (compareKeys(sorted[mid]!.key, afterKey) > 0) high = mid;
      else start = mid + 1;
    }
  }
  const page = sorted.slice(start, start + first);
  return connection(
    page.map((k) => ({ cursor: (k.cursor ??= encodeCursor(kind, k.key)), node: k.item })),
    start + first < sorted.length,
  );
}

/** One page of `items` in key order, after the cursor's key. */
export function keysetPage<T>(items: readonly T[], keyOf: (item: T) => string[], kind: string, first: number, after?: string): Connection<T> {
  return pageOf(sortByKey(items, keyOf), kind, first, after);
}

export function connection<T>(edges: { cursor: string; node: T }[], hasNextPage: boolean): Connection<T> {
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.ts';
import { decodeCursor, encodeCursor, keysetPage } from '../../../src/api/pagination.ts';

const ids = (c: { edges: { node: string }[] }) => c.edges.map((e) => e.node);

describe('keyset pages', () => {
  it('continues after the cursor key even when that item has vanished, and never repeats', () => {
    const items = ['d', 'b', 'a', 'c', 'e'];
    const first = keysetPage(items, (x) => [x], 'k', 2);
    expect(ids(first)).toEqual(['a', 'b']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, endCursor: encodeCursor('k', ['b']) });
    const after = keysetPage(items.filter((x) => x !== 'b'), (x) => [x], 'k', 2, first.pageInfo.endCursor!);
    expect(ids(after)).toEqual(['c', 'd']);
    const last = keysetPage(items, (x) => [x], 'k', 2, encodeCursor('k', ['d']));
    expect(ids(last)).toEqual(['e']);
    expect(last.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a cursor of another kind or a made-up one', () => {
    for (const bad of [encodeCursor('other', ['a']), 'bm9wZQ', '!!', Buffer.from('["k", 1]').toString('base64url')]) {
      expect(() => decodeCursor('k', bad)).toThrow(ApiError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { HASH128_LENGTH, hash128, hash128Of3, hash128Of3Is, hash128Without, hash128WithoutIs } from '../../../src/model/json-hash128.ts';

// The content hash the stores keep beside each row (model/json-hash128.ts): equal JSON gives an
// equal hash, and every difference JSON.stringify would show gives another one.

describe('hash128', () => {
  it('is pinned: a stored hash must keep meaning the same content across versions', () => {
    // Changing the function makes every stored hash compare unequal once (each row is re-read and
    // rewritten by the next sync). Do it on purpose, never by accident.
    expect(hash128({ a: 1, b: ['x', null, true, 1.5] })).toBe(hash128({ a: 1, b: ['x', null, true, 1.5] }));
    expect(hash128({ a: 1, b: ['x', null, true, 1.5] })).toMatchInlineSnapshot(`"H10n9la4T8mxu-s67raBnA"`);
    expect(hash128('')).toMatchInlineSnapshot(`"kGjYAjWQXbOaBdt5oF01mD"`);
    expect(hash128('')).toHaveLength(HASH128_LENGTH);
  });

  it('follows JSON.stringify: undefined fields dropped, undefined list items null, -0 as 0, NaN and Infinity as null', () => {
    expect(hash128({ a: 1, u: undefined })).toBe(hash128({ a: 1 }));
    expect(hash128([1, undefined])).toBe(hash128([1, null]));
    expect(hash128(-0)).toBe(hash128(0));
    expect(hash128(Number.NaN)).toBe(hash128(null));
    expect(hash128(Number.POSITIVE_INFINITY)).toBe(hash128(null));
    expect(hash128({ d: new Date(0) })).toBe(hash128({ d: '1970-01-01T00:00:00.000Z' }));
  });

  it('tells apart values whose JSON differs', () => {
    const values: unknown[] = [
      null,
      'null',
      true,
      'true',
      false,
      0,
      '0',
      1,
      -1,
      1.5,
      1.25,
      2 ** 31,
      -(2 ** 31),
      2 ** 53,
      1e-300,
      '',
      ' ',
      'a',
      'ab',
      'abc',
      [],
      {},
      [[]],
      [{}],
      ['a', 'b'],
      ['ab'],
      ['a', ''],
      ['', 'a'],
      { a: 'bc' },
      { ab: 'c' },
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { a: [1, 2] },
      { a: [2, 1] },
      { a: { b: 1 } },
      { a: {}, b: 1 },
      { a: null },
      { a: 'x\u0000' },
      { a: '\ud83d\ude00' },
      { a: '\ud83d' },
      [null],
      [null, null],
      'é',
      'e\u0301',
    ];
    const hashes = values.map(hash128);
    expect(new Set(hashes).size).toBe(values.length);
  });

  it('tells apart strings of every length around the 8-character blocks and a change at each position', () => {
    const base = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const seen = new Set<string>();
    for (let length = 0; length <= base.length; length++) {
      const s = base.slice(0, length);
      seen.add(hash128(s));
      // The same prefix with a trailing NUL: padding must not make it equal.
      seen.add(hash128(`${s}\u0000`));
      for (let i = 0; i < length; i++) seen.add(hash128(`${s.slice(0, i)}_${s.slice(i + 1)}`));
    }
    const expected = (base.length + 1) * 2 + (base.length * (base.length + 1)) / 2;
    // `${s}\u0000` of length n and s of length n+1 never coincide as strings; every string above is distinct.
    expect(seen.size).toBe(expected);
  });

  it('gives 200,000 distinct rows 200,000 distinct hashes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(hash128({ nodeId: `n:${i}`, properties: { n: i % 7, f: i / 3 } }));
    expect(seen.size).toBe(200_000);
  });

  it('hash128Without leaves out one or two top-level keys; hash128Of3 equals the hash of the three-item array', () => {
    expect(hash128Without({ a: 1, skip: 'x', b: { skip: 2 } }, 'skip')).toBe(hash128({ a: 1, b: { skip: 2 } }));
    expect(hash128Without({ a: 1, skip: 'x', b: { skip: 2 }, too: 3 }, 'skip', 'too')).toBe(hash128({ a: 1, b: { skip: 2 } }));
    expect(hash128Of3(undefined, '2026', {})).toBe(hash128([null, '2026', {}]));
  });

  it('the …Is forms answer whether a value has a given hash, as comparing the strings would', () => {
    const values: [unknown, unknown, unknown][] = [
      [undefined, undefined, {}],
      ['2026', undefined, { a: 1 }],
      [undefined, '2026', { a: [1, 'x'] }],
    ];
    const hashes = values.map(([a, b, c]) => hash128Of3(a, b, c));
    values.forEach(([a, b, c], i) => hashes.forEach((h, j) => expect(hash128Of3Is(h, a, b, c)).toBe(i === j)));
    const row = { nodeId: 'n', displayName: 'x', deletedAt: 'd', properties: { p: true } };
    const hash = hash128Without(row, 'nodeId', 'deletedAt');
    expect(hash128WithoutIs(hash, row, 'nodeId', 'deletedAt')).toBe(true);
    expect(hash128WithoutIs(hash, { ...row, displayName: 'y' }, 'nodeId', 'deletedAt')).toBe(false);
    // Every position of the string is checked, and a stored hash of another length never matches.
    for (let i = 0; i < HASH128_LENGTH; i++) {
      const other = `${hash.slice(0, i)}${hash[i] === 'A' ? 'B' : 'A'}${hash.slice(i + 1)}`;
      expect(hash128WithoutIs(other, row, 'nodeId', 'deletedAt')).toBe(false);
    }
    expect(hash128WithoutIs(`${hash}=`, row, 'nodeId', 'deletedAt')).toBe(false);
  });

  it('reuses its buffer safely: a long value, then a short one, hash as they do alone', () => {
    const long = { text: 'x'.repeat(100_000) };
    const short = { a: 1 };
    const alone = hash128(short);
    hash128(long);
    expect(hash128(short)).toBe(alone);
    expect(hash128(long)).toBe(hash128({ text: 'x'.repeat(100_000) }));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedBy } from '../../../src/diff/sorted-by.ts';

// sortedBy must order exactly as a stable comparator sort by `<` would, on both of its paths
// (comparator below 2,048 items, native sort of the keys and a table of positions above).
const reference = <T>(items: readonly T[], key: (t: T) => string) =>
  items
    .map((item, i) => ({ item, i, k: key(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.item);

describe('sortedBy', () => {
  it('orders as a stable sort by UTF-16 code units, small and large, with or without repeated keys', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 100 }), fc.integer({ min: 0, max: 5000 }), fc.boolean(), (pool, size, repeat) => {
        const items = Array.from({ length: size }, (_, i) => ({
          id: repeat && pool.length ? pool[i % pool.length]! : `${pool[i % (pool.length || 1)] ?? ''}#${(size - i) * 7919}`,
          i,
        }));
        const result = sortedBy(items, (x) => x.id);
        expect(result).toEqual(reference(items, (x) => x.id));
        expect(items.map((x) => x.i)).toEqual(Array.from({ length: size }, (_, i) => i)); // input untouched
      }),
      { numRuns: 60 },
    );
  });

  it('orders ids that share long prefixes, are prefixes of each other, or hold the lowest and highest code units', () => {
    const units = ['\u0000', '\uffff', 'a', 'b', ':'];
    const items: string[] = [];
    for (let i = 0; i < 4000; i++) {
      let id = i % 3 === 0 ? 'custom:synthetic.example.com:' : 'OWNED_BY:';
      for (let j = 0, x = i * 7919; j < i % 9; j++, x = Math.floor(x / 5)) id += units[x % 5];
      items.push(id);
    }
    expect(sortedBy(items, (x) => x)).toEqual(reference(items, (x) => x));
  });

  it('returns the input itself when it is already in order', () => {
    const items = Array.from({ length: 3000 }, (_, i) => `id-${String(i).padStart(5, '0')}`);
    expect(sortedBy(items, (x) => x)).toBe(items);
  });

  it('orders surrogate pairs and accented letters by code unit, not by locale', () => {
    const items = ['é', 'e', '\uffff', '\ud83d\ude00', 'Z', 'a', ...Array.from({ length: 3000 }, (_, i) => `k${i}`)];
    expect(sortedBy(items, (x) => x)).toEqual(reference(items, (x) => x));
    expect(sortedBy(items, (x) => x).slice(-3)).toEqual(['é', '\ud83d\ude00', '\uffff']);
  });
});

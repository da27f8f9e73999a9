import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTable } from '../../../src/diff/id-table.ts';

describe('idTable', () => {
  it('answers exactly the ids it was built from, and where each is, whatever strings are asked', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 200 }), fc.array(fc.string(), { maxLength: 50 }), (ids, others) => {
        const table = idTable(ids.length, (i) => ids[i]);
        for (const id of ids) {
          expect(table.has(id)).toBe(true);
          // Repeated ids: the first position, as Array.indexOf.
          expect(table.indexOf(id)).toBe(ids.indexOf(id));
        }
        const held = new Set(ids);
        for (const id of others) {
          expect(table.has(id)).toBe(held.has(id));
          expect(table.indexOf(id)).toBe(ids.indexOf(id));
        }
      }),
    );
  });

  it('leaves out the positions whose id is undefined', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `OWNED_BY:${i.toString(16).padStart(24, '0')}`);
    const table = idTable(ids.length, (i) => (i % 3 !== 0 ? ids[i] : undefined));
    expect(ids.filter((id) => table.has(id))).toEqual(ids.filter((_, i) => i % 3 !== 0));
    expect(table.indexOf(ids[0]!)).toBe(-1);
    expect(table.indexOf(ids[1]!)).toBe(1);
    expect(table.has('')).toBe(false);
  });

  it('holds nothing when built from nothing', () => {
    expect(idTable(0, () => 'x').has('x')).toBe(false);
  });
});

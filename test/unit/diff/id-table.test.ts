import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTable } from '../../../src/diff/id-table.ts';

describe('idTable', () => {
  it('answers exactly the ids it was built from, whatever strings are asked', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 200 }), fc.array(fc.string(), { maxLength: 50 }), (ids, others) => {
        const table = idTable((i) => ids[i]!, ids.length);
        for (const id of ids) expect(table.has(id)).toBe(true);
        const held = new Set(ids);
        for (const id of others) expect(table.has(id)).toBe(held.has(id));
      }),
    );
  });

  it('leaves out the positions the filter excludes', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `OWNED_BY:${i.toString(16).padStart(24, '0')}`);
    const table = idTable(
      (i) => ids[i]!,
      ids.length,
      (i) => i % 3 !== 0,
    );
    expect(ids.filter((id) => table.has(id))).toEqual(ids.filter((_, i) => i % 3 !== 0));
    expect(table.has('')).toBe(false);
  });

  it('holds nothing when built from nothing', () => {
    expect(idTable(() => 'x', 0).has('x')).toBe(false);
  });
});

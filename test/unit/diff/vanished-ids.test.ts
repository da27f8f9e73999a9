import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vanishedIds } from '../../../src/diff/vanished-ids.ts';

const reference = (stored: Map<string, string>, present: readonly (string | undefined)[]) => {
  const held = new Set(present);
  return [...stored.keys()].filter((id) => !held.has(id));
};

describe('vanishedIds', () => {
  it('lists exactly the stored ids that are not present', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 300 }), fc.array(fc.boolean(), { maxLength: 300 }), (ids, keep) => {
        const stored = new Map(ids.map((id) => [id, 'h']));
        // Present: the kept stored ids, new ids, and positions without an id.
        const present = [...ids.filter((_, i) => keep[i] ?? true), undefined, ...ids.map((id) => `${id}+new`)];
        const expected = reference(stored, present);
        expect(vanishedIds(stored, expected.length, present.length, (i) => present[i])).toEqual(expected);
      }),
    );
  });

  it('answers exactly through its fallback when the quick pass cannot account for every gone id', () => {
    // A count the quick pass cannot match (as after a hash shared by a gone and a present id).
    const stored = new Map(Array.from({ length: 1000 }, (_, i) => [`n:${i}`, 'h'] as const));
    const present = Array.from({ length: 990 }, (_, i) => `n:${i}`);
    const gone = Array.from({ length: 10 }, (_, i) => `n:${990 + i}`);
    expect(vanishedIds(stored, 11, present.length, (i) => present[i])).toEqual(gone);
    expect(vanishedIds(stored, 10, present.length, (i) => present[i])).toEqual(gone);
  });
});

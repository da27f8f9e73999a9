import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchFingerprints, NEW, SAME } from '../../../src/diff/index.ts';
import { rowFingerprint } from '../../../src/model/index.ts';

/** The plain definition: a current row is SAME when its fingerprint is stored; stored ones no current row has, ascending. */
function reference(stored: readonly number[], current: readonly number[]) {
  const storedSet = new Set(stored);
  const currentSet = new Set(current);
  if (storedSet.size !== stored.length || currentSet.size !== current.length) return undefined;
  return {
    status: Uint8Array.from(current, (fp) => (storedSet.has(fp) ? SAME : NEW)),
    unmatchedStored: stored.filter((fp) => !currentSet.has(fp)).sort((a, b) => a - b),
  };
}

const fingerprint = (i: number, version = 0) => rowFingerprint(`row-${i}`, `hash-${version}`);
const ascending = (values: number[]) => Float64Array.from(values).sort();

describe('matchFingerprints', () => {
  it('matches as the plain definition does: rows kept, changed, new and gone, in any order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (rows, seed, sortedStore) => {
        let state = seed;
        const random = () => ((state = (Math.imul(state, 48271) + 11) % 2147483647) & 0xffff) / 0x10000;
        const stored: number[] = [];
        const current: number[] = [];
        for (let i = 0; i < rows; i++) {
          const r = random();
          if (r < 0.05)
            stored.push(fingerprint(i)); // gone
          else if (r < 0.1)
            current.push(fingerprint(i)); // new
          else if (r < 0.15) {
            stored.push(fingerprint(i)); // changed: same id, other hash
            current.push(fingerprint(i, 1));
          } else {
            stored.push(fingerprint(i));
            current.push(fingerprint(i));
          }
        }
        // The extraction's order is its own; a store's is ascending (or not, from another store).
        current.sort(() => random() - 0.5);
        const storedArray = sortedStore ? ascending(stored) : Float64Array.from(stored);
        const got = matchFingerprints(storedArray, Float64Array.from(current));
        expect(got).toEqual(reference(stored, current));
      }),
      { numRuns: 60 },
    );
  });

  it('fingerprints carry either sign: both halves of the number line match', () => {
    const all = Array.from({ length: 2_000 }, (_, i) => fingerprint(i));
    expect(all.some((fp) => fp < 0) && all.some((fp) => fp > 0)).toBe(true);
    const got = matchFingerprints(ascending(all.slice(0, 1_500)), Float64Array.from(all.slice(500)));
    expect(got).toEqual(reference(all.slice(0, 1_500), all.slice(500)));
  });

  it('numbers outside the fingerprints range still match, in order', () => {
    const odd = [-1e300, -2.5, -1e-300, 1e-300, 1.5, 3, 1e300, fingerprint(1), fingerprint(2)];
    const got = matchFingerprints(ascending(odd.slice(0, 6)), Float64Array.from(odd.slice(3).reverse()));
    expect(got).toEqual(reference(odd.slice(0, 6), odd.slice(3).reverse()));
  });

  it('a shared fingerprint (two stored rows or two current rows) cannot decide: undefined', () => {
    const fps = Array.from({ length: 100 }, (_, i) => fingerprint(i));
    expect(matchFingerprints(ascending([...fps, fps[3]!]), Float64Array.from(fps))).toBeUndefined();
    expect(matchFingerprints(ascending(fps), Float64Array.from([...fps, fps[40]!]))).toBeUndefined();
    // Two new rows sharing one (no stored row has it).
    const twin = fingerprint(1_000);
    expect(matchFingerprints(ascending(fps), Float64Array.from([...fps, twin, twin]))).toBeUndefined();
  });

  it('nothing stored: every row NEW; nothing current: every stored row unmatched', () => {
    const fps = Array.from({ length: 50 }, (_, i) => fingerprint(i));
    expect(matchFingerprints(new Float64Array(0), Float64Array.from(fps))).toEqual({ status: new Uint8Array(50), unmatchedStored: [] });
    expect(matchFingerprints(ascending(fps), new Float64Array(0))).toEqual({ status: new Uint8Array(0), unmatchedStored: [...ascending(fps)] });
  });

  it('rows crowded into one bucket (not fingerprints) are left to the exact maps', () => {
    // 300 numbers next to 1.0 share their high word, so they share a bucket.
    const crowded = Array.from({ length: 300 }, (_, i) => 1 + i * Number.EPSILON);
    expect(matchFingerprints(ascending(crowded), Float64Array.from(crowded))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/model/index.ts';
import { seededRandom } from '../../../bench/synthetic/random.ts';

// canonicalJson was rewritten for speed (issue 17); ids and idempotency keys hash its output, so
// the text must not change. The reference is the first definition, kept here as the spec.
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

const KEYS = ['b', 'a', 'zeta', '10', '2', '1', 'ünï', 'quote"d', 'line\nbreak', '', 'A', '_'];
function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.35) {
    const leaves = [null, undefined, true, false, 0, -1.5, 1e21, Number.NaN, 'text', 'ünïcode "q" \\ \u0001', ''];
    return leaves[Math.floor(rand() * leaves.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const obj: Record<string, unknown> = {};
  for (const k of KEYS) if (rand() < 0.4) obj[k] = randomValue(rand, depth + 1);
  return obj;
}

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined properties, writes undefined array items as null', () => {
    expect(canonicalJson({ b: 1, a: { d: [undefined, 2], c: undefined } })).toBe('{"a":{"d":[null,2]},"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    // Integer-like keys sort as text, not as JavaScript enumerates them.
    expect(canonicalJson({ 2: 'x', 10: 'y', 1: 'z' })).toBe('{"1":"z","10":"y","2":"x"}');
  });

  it('writes exactly the text of the first definition, for any JSON value in any key order', () => {
    const rand = seededRandom(17);
    for (let i = 0; i < 2_000; i++) {
      const value = randomValue(rand, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });
});

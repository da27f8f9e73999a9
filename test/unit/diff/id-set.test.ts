import { describe, expect, it } from 'vitest';
import { IdArraySet } from '../../../src/diff/id-set.ts';

describe('IdArraySet', () => {
  it('answers as a Set of the same ids would', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `HAS_ROLE:${(i * 7919).toString(16)}`);
    const set = new IdArraySet(ids);
    const reference = new Set(ids);
    expect(set.size).toBe(reference.size);
    for (const id of [...ids, 'HAS_ROLE:', 'other', '']) expect(set.has(id)).toBe(reference.has(id));
    expect([...set]).toEqual([...reference]);
    expect([...set.keys()]).toEqual([...reference.keys()]);
    expect([...set.values()]).toEqual([...reference.values()]);
    expect([...set.entries()]).toEqual([...reference.entries()]);
    const seen: string[] = [];
    set.forEach((value, key, self) => {
      expect(key).toBe(value);
      expect(self).toBe(set);
      seen.push(value);
    });
    expect(seen).toEqual(ids);
  });

  it('is empty over no ids', () => {
    const set = new IdArraySet([]);
    expect(set.size).toBe(0);
    expect(set.has('x')).toBe(false);
    expect([...set]).toEqual([]);
  });
});

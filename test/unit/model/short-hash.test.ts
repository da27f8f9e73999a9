import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shortHash } from '../../../src/model/index.ts';

// Ids and idempotency keys are made with shortHash: its output must never change (consumers
// deduplicate on them across versions), whichever of Node's hash functions computes it.
describe('shortHash', () => {
  it('is the hex SHA-256 prefix, as it always was', () => {
    expect(shortHash('')).toBe('e3b0c44298fc1c149afbf4c8');
    expect(shortHash('abc', 32)).toBe('ba7816bf8f01cfea414140de5dae2223');
    for (const text of ['tenant\u0000sync', 'é日🙂', 'x'.repeat(10_000), '\u0000']) {
      expect(shortHash(text, 64)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
});

import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasSecrets, redactSecrets } from '../../../src/model/index.ts';
import { sampleTenant } from '../../support/sample-tenant.ts';

// hasSecrets is redactSecrets without the copy (the relay copies an event only when it must):
// true exactly when redacting would change something.

const deep = (levels: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
};

const VALUES: unknown[] = [
  null,
  42,
  'plain text',
  { displayName: 'payroll', tags: ['a', 'b'] },
  { clientSecret: 'hunter22hunter22' },
  { clientSecret: '' },
  { clientSecret: '[REDACTED]' },
  { passwordCredentials: [{ keyId: 'k1', displayName: 'rotation' }] },
  { password: 1234 },
  { apiKey: ['a', 'b'] },
  { note: 'Bearer abcdefghijklmnop1234567890' },
  { list: [{ url: 'https://user:pa55word@example.com/x' }] },
  { nested: { inner: { token: 'xoxb-1234567890-abcdefghij' } } },
  { ok: { url: 'https://example.com/a?b=c' } },
  { aws: 'AKIAABCDEFGHIJKLMNOP' },
  [1, 'two', { three: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig' }],
  deep(300, 'leaf'),
  deep(200, 'leaf'),
  { when: new Date(0) },
];

describe('hasSecrets', () => {
  it.each(VALUES.map((v, i) => [i, v]))('value %i: true exactly when redactSecrets changes it', (_i, value) => {
    expect(hasSecrets(value)).toBe(!isDeepStrictEqual(redactSecrets(value), value));
  });

  it('finds nothing in the sample tenant and flags a secret added to any node', () => {
    const tenant = sampleTenant('acme');
    expect(tenant.nodes.some((n) => hasSecrets(n))).toBe(false);
    const node = { ...tenant.nodes[0]!, properties: { ...tenant.nodes[0]!.properties, sessionToken: 'abcdefgh12345678' } };
    expect(hasSecrets(node)).toBe(true);
  });
});

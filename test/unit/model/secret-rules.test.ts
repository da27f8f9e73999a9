import { describe, expect, it } from 'vitest';
import { REDACTED, findSecretPaths, findSecrets, isSecretName, nameWords, redactSecrets } from '../../../src/model/index.ts';

// The secret detector's finer rules, each pinned by the case that tells it apart: how names split
// into words, which names a single squashed word or a "<qualifier> key" makes secret, what counts
// as material under a secret name, and how deep redaction goes.

describe('names', () => {
  it('split on case changes, acronyms, digits and any separator', () => {
    expect(nameWords('AWSSecretAccessKey')).toEqual(['aws', 'secret', 'access', 'key']);
    expect(nameWords('clientSecret')).toEqual(['client', 'secret']);
    expect(nameWords('x--api..KEY')).toEqual(['x', 'api', 'key']);
    expect(nameWords('oauth2Token')).toEqual(['oauth2', 'token']);
    expect(nameWords('__')).toEqual([]);
  });

  it('a name of no words is no secret', () => {
    expect(isSecretName('')).toBe(false);
    expect(isSecretName('--')).toBe(false);
  });

  it('one squashed word is secret when it ends in a credential word and is longer than it', () => {
    expect(isSecretName('dbpassword')).toBe(true);
    expect(isSecretName('refreshtoken')).toBe(true);
    expect(isSecretName('token')).toBe(true);
    expect(isSecretName('tokens')).toBe(true);
    expect(isSecretName('cookie')).toBe(true);
    expect(isSecretName('apitokenx')).toBe(false);
    expect(isSecretName('keys')).toBe(false);
  });

  it('a descriptive last word makes a several-word name a description, not a single word', () => {
    expect(isSecretName('secret_id')).toBe(false);
    expect(isSecretName('id')).toBe(false);
    expect(isSecretName('password_hint')).toBe(false);
  });

  it('"<qualifier> key" or "keys" is a credential; key first or after another word is not', () => {
    expect(isSecretName('signing_keys')).toBe(true);
    expect(isSecretName('master_key_value')).toBe(true);
    expect(isSecretName('key_master')).toBe(false);
    expect(isSecretName('primary_key_value')).toBe(false);
    expect(isSecretName('keys_list')).toBe(false);
  });

  it('"connection string" is a credential only as those two words in order', () => {
    expect(isSecretName('db_connection_string_value')).toBe(true);
    expect(isSecretName('string_connection_value')).toBe(false);
    expect(isSecretName('query_string_value')).toBe(false);
  });
});

describe('material under a secret name', () => {
  it('a non-empty string, a number, or a list holding any of them; not an empty or redacted value', () => {
    expect(findSecrets({ password: '' })).toEqual([]);
    expect(findSecrets({ password: REDACTED })).toEqual([]);
    expect(findSecrets({ password: 1234 })).toEqual([{ path: ['password'], reason: 'secret-named field' }]);
    expect(findSecrets({ passwords: ['', 'x'] })).toEqual([{ path: ['passwords'], reason: 'secret-named field' }]);
    expect(findSecrets({ passwords: ['', REDACTED] })).toEqual([]);
    expect(findSecrets({ password: true })).toEqual([]);
  });

  it('findSecretPaths gives the paths alone, in document order', () => {
    expect(findSecretPaths({ a: { token: 'x1' }, list: [{ secret: 'y' }, 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB'] })).toEqual([
      ['a', 'token'],
      ['list', 0, 'secret'],
      ['list', 1],
    ]);
  });
});

describe('redaction depth', () => {
  it('replaces whatever lies deeper than 256 levels whole, and nothing above', () => {
    let value: unknown = { leaf: 'plain' };
    for (let i = 0; i < 300; i++) value = { d: value };
    let at = redactSecrets(value) as Record<string, unknown>;
    for (let depth = 0; depth < 256; depth++) at = at.d as Record<string, unknown>;
    // `at` is the object at depth 256: kept, its child at depth 257 replaced.
    expect(typeof at).toBe('object');
    expect(at.d).toBe(REDACTED);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiKeyStore, appendToKeysFile, hashApiKey, issueApiKey, parseKeysEnv, readKeysFile, roleAtLeast } from '../../../src/api/auth/api-keys.ts';

describe('API keys', () => {
  it('authenticates the issued key only, and stores nothing but its sha-256', async () => {
    const { key, record } = issueApiKey({ tenantId: 'contoso', role: 'operator' });
    expect(record.hash).toBe(hashApiKey(key));
    // The secret is all after `agk_<id>_` (base64url: it may hold '_' itself, so no split on it).
    const secret = key.slice(`agk_${record.id}_`.length);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(JSON.stringify(record)).not.toContain(secret);
    const store = new ApiKeyStore([record]);
    expect(store.authenticate(key)).toEqual({ keyId: record.id, tenantId: 'contoso', role: 'operator' });
    for (const wrong of [undefined, '', 'nonsense', `${key}x`, key.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), `agk_${record.id}_${'A'.repeat(43)}`]) {
      expect(store.authenticate(wrong)).toBeNull();
    }
  });

  it('reads keys from a file and from the environment', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'authgraph-keys-')), 'keys.json');
    expect(await readKeysFile(file)).toEqual([]);
    const a = issueApiKey({ tenantId: 't1', role: 'reader' });
    await appendToKeysFile(file, a.record);
    await appendToKeysFile(file, issueApiKey({ tenantId: 't2', role: 'admin' }).record);
    expect((await readKeysFile(file)).map((r) => r.tenantId)).toEqual(['t1', 't2']);
    expect(readFileSync(file, 'utf8')).not.toContain(a.key);
    expect(parseKeysEnv(JSON.stringify([a.record]))).toEqual([a.record]);
    expect(() => parseKeysEnv(JSON.stringify([{ ...a.record, hash: 'plain-text' }]))).toThrow(/hash/);
  });

  it('orders roles reader < operator < admin', () => {
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('reader', 'operator')).toBe(false);
  });
});

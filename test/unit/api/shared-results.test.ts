import { describe, expect, it } from 'vitest';
import { SharedResults } from '../../../src/api/shared-results.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { commitChanges } from '../../support/hand-writes.ts';
import { freshTenant, sampleTenant } from '../../support/sample-tenant.ts';

describe('shared results', () => {
  it('computes once for concurrent identical asks, and keeps the answer until the tenant changes', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenant = freshTenant();
    const cache = new SharedResults();
    let computed = 0;
    const ask = async () => cache.get(`${tenant}/q`, await storage.dataVersion(tenant), async () => ++computed);
    expect(await Promise.all([ask(), ask(), ask()])).toEqual([1, 1, 1]);
    expect(await ask()).toBe(1);
    const [node] = sampleTenant(tenant).nodes;
    await commitChanges(storage, tenant, { upsertNodes: [node!] });
    expect(await ask()).toBe(2);
    await storage.getNode(tenant, node!.nodeId); // reads change nothing
    expect(await ask()).toBe(2);
  });

  it('keeps nothing when the store cannot tell its version, and nothing that failed', async () => {
    const cache = new SharedResults();
    let computed = 0;
    expect(await cache.get('k', undefined, async () => ++computed)).toBe(1);
    expect(await cache.get('k', undefined, async () => ++computed)).toBe(2);
    await expect(cache.get('f', '0', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('f', '0', async () => 'ok')).toBe('ok');
  });

  it('forgets one tenant’s answers on a sync completion, and only that tenant’s', async () => {
    const cache = new SharedResults();
    let computed = 0;
    await cache.get('t1\u0000chains', 'v1', async () => ++computed);
    await cache.get('t1\u0000paths', 'v1', async () => ++computed);
    await cache.get('t10\u0000chains', 'v1', async () => ++computed); // a tenant id that shares the prefix
    expect(cache.forgetTenant('t1')).toBe(2);
    expect(cache.size).toBe(1);
    expect(await cache.get('t1\u0000chains', 'v1', async () => ++computed)).toBe(4);
    expect(await cache.get('t10\u0000chains', 'v1', async () => ++computed)).toBe(3);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../../src/config/app-config.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { placedStorage } from '../../../src/storage/placed-storage.ts';
import { TenantPlacement } from '../../../src/storage/placement.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { freshTenant, sampleTenant } from '../../support/sample-tenant.ts';

const valid = {
  servers: { a: { uri: 'bolt://graph-a:7687' }, b: { uri: 'neo4j://graph-b:7687' } },
  default: 'a',
  tenants: { acme: 'b' },
};

describe('TenantPlacement', () => {
  it('places listed tenants on their server and the rest on the default; neo4j:// routing URIs pass unchanged', () => {
    const placement = TenantPlacement.parse(valid);
    expect(placement.serverOf('acme')).toBe('b');
    expect(placement.serverOf('other')).toBe('a');
    expect(placement.uriOf('b')).toBe('neo4j://graph-b:7687');
    expect(placement.serverNames).toEqual(['a', 'b']);
  });

  it('refuses a tenant or default on an unknown server, a bad URI, duplicate URIs and unknown fields', () => {
    expect(() => TenantPlacement.parse({ ...valid, tenants: { acme: 'c' } })).toThrow(/tenants.*"c" is not among the servers/s);
    expect(() => TenantPlacement.parse({ ...valid, default: 'z' })).toThrow(/default/);
    expect(() => TenantPlacement.parse({ ...valid, servers: { a: { uri: 'http://graph-a:7474' } } })).toThrow(/bolt:\/\/host:port/);
    expect(() => TenantPlacement.parse({ ...valid, servers: { a: { uri: 'bolt://x:1' }, b: { uri: 'bolt://x:1' } } })).toThrow(/same uri/);
    expect(() => TenantPlacement.parse({ ...valid, servers: { a: { uri: 'bolt://x:1', password: 'p' } } })).toThrow();
    expect(() => TenantPlacement.parse({ ...valid, servers: {} })).toThrow(/at least one server/);
  });

  it('is read and validated with the process configuration, at start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'placement-'));
    try {
      const file = path.join(dir, 'placement.json');
      writeFileSync(file, JSON.stringify(valid));
      const config = loadAppConfig({ AUTHGRAPH_NEO4J_PLACEMENT: file });
      expect(config.store).toBe('neo4j');
      expect(config.placement?.serverOf('acme')).toBe('b');
      writeFileSync(file, JSON.stringify({ ...valid, tenants: { acme: 'nowhere' } }));
      expect(() => loadAppConfig({ AUTHGRAPH_NEO4J_PLACEMENT: file })).toThrow(/"nowhere" is not among the servers/);
      expect(() => loadAppConfig({ AUTHGRAPH_NEO4J_PLACEMENT: path.join(dir, 'missing.json') })).toThrow(/could not be read/);
      writeFileSync(file, JSON.stringify(valid));
      expect(() => loadAppConfig({ AUTHGRAPH_NEO4J_PLACEMENT: file, AUTHGRAPH_STORE: 'sqlite' })).toThrow(/does not go with/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('placedStorage', () => {
  async function twoStores() {
    const a = MemoryStorageAdapter.create();
    const b = MemoryStorageAdapter.create();
    const onB = freshTenant('on-b');
    const onA = freshTenant('on-a');
    const storage = placedStorage(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      (t) => (t === onB ? 'b' : 'a'),
      'a',
    );
    await applyGraph(storage, sampleTenant(onA));
    await applyGraph(storage, sampleTenant(onB));
    return { a, b, onA, onB, storage };
  }

  it('writes and reads each tenant on its own store only', async () => {
    const { a, b, onA, onB, storage } = await twoStores();
    expect((await b.listNodes(onB, { first: 5 })).nodes.length).toBeGreaterThan(0);
    expect((await a.listNodes(onB, { first: 5 })).nodes).toEqual([]);
    expect((await b.listNodes(onA, { first: 5 })).nodes).toEqual([]);
    expect(await storage.listNodes(onB, { first: 1000 })).toEqual(await b.listNodes(onB, { first: 1000 }));
    expect(await storage.dataVersion(onA)).toBe(await a.dataVersion(onA));
  });

  it('gives the relay every store’s pending rows in outbox order, and marks each on its store', async () => {
    const { a, b, onA, onB, storage } = await twoStores();
    const pending = await storage.pendingOutbox(1_000_000);
    const fromA = await a.pendingOutbox(1_000_000);
    const fromB = await b.pendingOutbox(1_000_000);
    expect(pending).toHaveLength(fromA.length + fromB.length);
    expect(new Set(pending.map((m) => m.tenantId))).toEqual(new Set([onA, onB]));
    const order = pending.map((m) => `${m.createdAt}|${m.batchId}|${String(m.position).padStart(8, '0')}`);
    expect(order).toEqual([...order].sort());
    // A limit keeps the overall oldest rows.
    expect(await storage.pendingOutbox(10)).toEqual(pending.slice(0, 10));

    await storage.markOutboxSent(pending, new Date().toISOString());
    expect(await a.pendingOutbox(10)).toEqual([]);
    expect(await b.pendingOutbox(10)).toEqual([]);
    expect(await storage.outboxStats()).toEqual({ pending: 0, sent: pending.length });
  });

  it('keeps every lease on the lease store, whatever tenant its key names', async () => {
    const { a, onB, storage } = await twoStores();
    expect(await storage.tryAcquireLease(`sync:${onB}:x`, 'one', 60_000)).toBe(true);
    expect(await a.tryAcquireLease(`sync:${onB}:x`, 'two', 60_000)).toBe(false);
    await storage.releaseLease(`sync:${onB}:x`, 'one');
    expect(await a.tryAcquireLease(`sync:${onB}:x`, 'two', 60_000)).toBe(true);
  });

  it('refuses a tenant-scoped call without a tenant', async () => {
    const { storage } = await twoStores();
    await expect(async () => storage.listNodes('', { first: 1 })).rejects.toThrow(/needs a tenant id/);
  });
});

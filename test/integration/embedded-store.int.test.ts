// The embedded SQLite store shared by several processes (issue: "many processes, one file, nothing
// lost"): real `authgraph` processes on one database file — two loads at once, a load while a
// server runs, and a load killed with SIGKILL in the middle of its commit.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { issueApiKey } from '../../src/api/auth/api-keys.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { SAMPLE_IDS, sampleTenant } from '../support/sample-tenant.ts';
import { exactHashes } from '../support/exact-hashes.ts';

const children: ChildProcess[] = [];
// Each test's database and graph files (the killed 200k-node load leaves ~2 GB): removed after it.
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

function authgraph(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, AUTHGRAPH_STORE: 'sqlite', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, output: () => out, done };
}

const writeGraph = (dir: string, name: string, graph: NormalizedGraph) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(graph));
  return file;
};

describe('the embedded store shared by several processes', () => {
  it('two loads of two tenants at the same time keep both', async () => {
    const dir = tempDir('authgraph-two-loads-');
    const env = { AUTHGRAPH_DB: join(dir, 'authgraph.db') };
    const a = syntheticTenant({ nodes: 20_000, seed: 1, tenantId: 'tenant-a' });
    const b = syntheticTenant({ nodes: 20_000, seed: 2, tenantId: 'tenant-b' });
    const files = [writeGraph(dir, 'a.json', a), writeGraph(dir, 'b.json', b)];
    const results = await Promise.all(files.map((file) => authgraph(['load', file], env).done));
    for (const r of results) expect(r, r.out).toMatchObject({ code: 0 });
    const storage = SqliteStorageAdapter.open({ filePath: env.AUTHGRAPH_DB });
    try {
      for (const g of [a, b]) {
        const stored = await exactHashes(await storage.previousState(g.tenantId, g.connectorId));
        expect(stored.nodeHashes.size).toBe(g.nodes.length);
        expect(stored.edgeHashes.size).toBe(g.edges.length);
        expect((await storage.lastCompletedSync(g.tenantId, g.connectorId))?.status).toBe('completed');
      }
    } finally {
      await storage.close();
    }
  }, 180_000);

  it('a load while the server runs is seen by its next request, cached chain answers included', async () => {
    const dir = tempDir('authgraph-load-serve-');
    const tenantId = 'contoso';
    const { key, record } = issueApiKey({ tenantId, role: 'reader', label: 'test' });
    const env = { AUTHGRAPH_DB: join(dir, 'authgraph.db'), AUTHGRAPH_API_KEYS: JSON.stringify([record]), AUTHGRAPH_API_KEYS_FILE: join(dir, 'keys.json') };
    const first = sampleTenant(tenantId);
    // The first sync lacks the OAuth profile's link to the principal: no chain reaches it yet.
    const cut = first.edges.find((e) => e.edgeType === 'AUTHENTICATES_AS' && e.sourceNodeId === SAMPLE_IDS.oauthProfile)!;
    const withoutLink = { ...first, syncId: 'sync-1', edges: first.edges.filter((e) => e.edgeId !== cut.edgeId) };
    expect((await authgraph(['load', writeGraph(dir, 's1.json', withoutLink)], env).done).code).toBe(0);

    const server = authgraph(['serve', '--port', '0'], env);
    let url = '';
    for (const deadline = Date.now() + 60_000; !url; await new Promise((r) => setTimeout(r, 100))) {
      if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${server.output()}`);
      url = /Authgraph API on (http:\S+)/.exec(server.output())?.[1] ?? '';
    }
    const chains = async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: `{ executionChains(to: "${SAMPLE_IDS.graphPrincipal}") { totalCount } }` }),
      });
      const body = (await res.json()) as { data?: { executionChains: { totalCount: number } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return body.data.executionChains.totalCount;
    };
    expect(await chains()).toBe(0);
    expect(await chains()).toBe(0); // answered from the server's cache

    const second = { ...first, syncId: 'sync-2', transformedAt: '2026-01-16T06:00:00.000Z' };
    const loaded = await authgraph(['load', writeGraph(dir, 's2.json', second)], env).done;
    expect(loaded.code, loaded.out).toBe(0);
    // No restart: the next request sees the two chains the second sync made.
    expect(await chains()).toBe(2);
  }, 180_000);

  it('a load killed in the middle of its commit leaves a database that opens and holds exactly the last committed sync', async () => {
    const dir = tempDir('authgraph-kill-');
    const db = join(dir, 'authgraph.db');
    const env = { AUTHGRAPH_DB: db };
    const tenantId = 'kill';
    // The last committed sync is small; the load killed on top of it rewrites it into 200k nodes.
    const base = syntheticTenant({ nodes: 2_000, seed: 5, tenantId, syncId: 'sync-1' });
    const next = syntheticTenant({ nodes: 200_000, seed: 6, tenantId, syncId: 'sync-2', transformedAt: '2026-02-01T00:00:00.000Z' });
    const baseFile = writeGraph(dir, 'base.json', base);
    const nextFile = writeGraph(dir, 'next.json', next);
    const baseline = await authgraph(['load', baseFile], env).done;
    expect(baseline.code, baseline.out).toBe(0);
    const walBefore = existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0;

    // Once the second load's transaction has spilled 32 MB into the write-ahead log it is
    // committing, and it is killed there.
    const load = authgraph(['load', nextFile], env);
    let killedAt = 0;
    for (const deadline = Date.now() + 170_000; Date.now() < deadline && load.child.exitCode === null; await new Promise((r) => setTimeout(r, 20))) {
      if (existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > Math.max(walBefore, 0) + 32 * 1024 * 1024) {
        load.child.kill('SIGKILL');
        killedAt = statSync(`${db}-wal`).size;
        break;
      }
    }
    const ended = await load.done;
    expect(ended.signal, `the load finished before it could be killed: ${ended.out}`).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);

    const raw = new Database(db);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
    const storage = SqliteStorageAdapter.open({ filePath: db });
    try {
      const state = await exactHashes(await storage.previousState(tenantId, base.connectorId));
      expect(state.nodeHashes.size).toBe(base.nodes.length);
      expect(state.edgeHashes.size).toBe(base.edges.length);
      expect((await storage.lastCompletedSync(tenantId, base.connectorId))?.syncId).toBe('sync-1');
      expect(await storage.queryEvents(tenantId, { syncId: 'sync-2', limit: 1 })).toEqual([]);
      // The killed load's record still says running; the next writer can name it.
      expect((await storage.listSyncStates(tenantId, { limit: 1 }))[0]).toMatchObject({ syncId: 'sync-2', status: 'running' });
      expect(await storage.getNodes(tenantId, base.nodes.slice(0, 50).map((n) => n.nodeId))).toEqual(base.nodes.slice(0, 50));
      expect(await storage.getNode(tenantId, next.nodes.at(-1)!.nodeId)).toBeNull();
    } finally {
      await storage.close();
    }
  }, 420_000);
});


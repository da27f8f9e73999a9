import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore, issueApiKey } from '../src/api/auth/api-keys.ts';
import { ApiLimits } from '../src/api/limits.ts';
import { startApiServer } from '../src/api/server.ts';
import { diffGraphs } from '../src/diff/index.ts';
import type { SyncState } from '../src/model/index.ts';
import { MemoryStorageAdapter } from '../src/storage/memory/MemoryStorageAdapter.ts';
import { SqliteStorageAdapter } from '../src/storage/sqlite/SqliteStorageAdapter.ts';
import type { StorageAdapter } from '../src/storage/StorageAdapter.ts';
import { percentile } from './report.ts';
import { syntheticTenant } from './synthetic/tenant.ts';

// The two figures of issue 13 for bench:api: how fast a hostile fragment fan-out is refused, and
// whether a drift over all history ends with TIMEOUT at its deadline while /healthz keeps
// answering. The server runs in this process (its event loop is the one a blocking computation
// would stall, and /healthz is timed on it); the client side is a few light requests.

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function post(url: string, key: string, query: string): Promise<{ ms: number; code: string | undefined }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        const code = (JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
        resolve({ ms: performance.now() - started, code });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

function healthz(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(`${url}healthz`, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    })
      .on('error', reject)
      .end();
  });
}

async function serve(storage: StorageAdapter, tenantId: string) {
  const keys = new ApiKeyStore();
  const { key, record } = issueApiKey({ tenantId, role: 'reader' });
  keys.add(record);
  // Rate limits off: this measures the work limits, not the request budget.
  const server = await startApiServer({ storage, keys, port: 0, limits: { rateLimit: { perSecond: 0, burst: 1 } }, logError: () => {} });
  return { server, key };
}

/** Each fragment spreads the next twice: 2^levels leaves from a document under 2 KB. */
export function fanOutDocument(levels: number): string {
  let doc = `{ ...F0 }\n`;
  for (let i = 0; i < levels; i++) doc += `fragment F${i} on Query { v${i}: viewer { role } ...F${i + 1} ...F${i + 1} }\n`;
  return `${doc}fragment F${levels} on Query { viewer { keyId } }\n`;
}

export async function benchFanOutRefusal(levels = 30, requests = 50): Promise<void> {
  const storage = MemoryStorageAdapter.create();
  const { server, key } = await serve(storage, 'bench-fanout');
  try {
    const doc = fanOutDocument(levels);
    for (let i = 0; i < 5; i++) await post(server.graphqlUrl, key, doc); // warm-up: JIT
    const ms: number[] = [];
    const codes = new Set<string | undefined>();
    const cpu = process.cpuUsage();
    for (let i = 0; i < requests; i++) {
      const r = await post(server.graphqlUrl, key, doc);
      ms.push(r.ms);
      codes.add(r.code);
    }
    const cpuMs = process.cpuUsage(cpu).user / 1000 / requests;
    ms.sort((a, b) => a - b);
    const refused = codes.size === 1 && codes.has('QUERY_TOO_COMPLEX');
    console.log(
      `  ${levels}-level fragment fan-out (${doc.length} bytes), ${requests} requests: ${refused ? 'all refused QUERY_TOO_COMPLEX' : `answers ${[...codes].join(', ')}`}; p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms`,
    );
    console.log(`  CPU per refusal (server and client, this process): ${cpuMs.toFixed(1)} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    console.log(`  target: a ${levels}-level fan-out refused in < 50 ms (p99, whole HTTP round trip) → ${verdict(refused && percentile(ms, 99) < 50)}`);
  } finally {
    await server.close();
  }
}

/**
 * A tenant of `nodes` nodes written as one full sync (every node and edge has its `created` event,
 * as a real first sync leaves them), then drift since the epoch: every event of the tenant.
 */
export async function benchDriftTimeout(nodes: number, store: 'sqlite' | 'memory' = 'sqlite'): Promise<void> {
  const graph = syntheticTenant({ nodes, tenantId: `bench-drift-timeout-${nodes}` });
  const dir = mkdtempSync(join(tmpdir(), 'authgraph-bench-drift-timeout-'));
  const storage: StorageAdapter = store === 'sqlite' ? SqliteStorageAdapter.open({ filePath: join(dir, 'authgraph.db') }) : MemoryStorageAdapter.create();
  const { result, changes } = diffGraphs({ nodes: [], edges: [] }, graph);
  const syncState: SyncState = { syncId: graph.syncId, tenantId: graph.tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: graph.transformedAt, completedAt: graph.transformedAt, validAt: graph.transformedAt, errors: [] };
  // The outbox rows are left out: drift never reads them, and they would only hold memory here.
  await storage.commitSync(graph.tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, outbox: [] });
  const events = result.events.length;
  (globalThis as { gc?: () => void }).gc?.();
  const { server, key } = await serve(storage, graph.tenantId);
  const deadline = ApiLimits.parse({}).queryTimeoutMs;
  try {
    const latencies: number[] = [];
    let answered = false;
    const drift = post(server.graphqlUrl, key, `{ drift(since: "1970-01-01T00:00:00Z") { findings { findingId } examined { events } } }`).finally(() => (answered = true));
    while (!answered) {
      latencies.push(await healthz(server.url));
      await new Promise((r) => setTimeout(r, 10));
    }
    const r = await drift;
    latencies.sort((a, b) => a - b);
    // What must hold: the request never outlives its deadline (a drift too long for it ends as TIMEOUT).
    const atDeadline = (r.code === 'TIMEOUT' || r.code === undefined) && r.ms < deadline + 1_000;
    console.log(`  ${store}: drift since the epoch on ${fmt(nodes)} nodes (${fmt(events)} events): ${r.code ?? 'answered'} after ${fmt(r.ms)} ms (deadline ${fmt(deadline)} ms)`);
    console.log(`  target: ends by its deadline (an answer, or TIMEOUT within 1 s of it) → ${verdict(atDeadline)}`);
    console.log(
      `  /healthz meanwhile: ${latencies.length} requests, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
    console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    console.log(`  target: /healthz p99 < 100 ms while the drift runs → ${verdict(latencies.length > 0 && percentile(latencies, 99) < 100)}`);
  } finally {
    await server.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { findChainVerdicts } from '../src/analysis/chain-verdicts.ts';
import { appendToKeysFile, issueApiKey } from '../src/api/auth/api-keys.ts';
import { shortHash } from '../src/model/index.ts';
import type { NormalizedGraph } from '../src/model/index.ts';
import { MemoryStorageAdapter } from '../src/storage/memory/MemoryStorageAdapter.ts';
import { SqliteStorageAdapter } from '../src/storage/sqlite/SqliteStorageAdapter.ts';
import type { StorageAdapter } from '../src/storage/StorageAdapter.ts';
import { Neo4jStorageAdapter } from '../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { benchDriftTimeout, benchFanOutRefusal } from './api-limits.ts';
import { hr, intArg } from './report.ts';
import { syntheticTenant } from './synthetic/tenant.ts';

// GraphQL API benchmark: autocannon against `authgraph serve` (a separate process, as deployed) on
// the synthetic tenant, asking executionChains for one identity at 1, 16 and 64 concurrent clients:
// a typical identity (the median chain count among the first 100 identities that have chains) and
// the heaviest of those 100, so the figures cover both the common and the worst case.
// Memory store always; Neo4j when NEO4J_URI (or the local services' bolt://127.0.0.1:7697) answers.
// Targets: p99 < 50 ms at 16 clients on memory, < 100 ms on Neo4j. Client and server share this
// machine's two cores, so the figures are a floor.
//
//   npm run bench:api -- [--nodes=100000] [--duration=10] [--drift-nodes=100000]

const nodes = intArg('nodes', 100_000);
const duration = intArg('duration', 10);
const driftNodes = intArg('drift-nodes', 100_000);
const CONCURRENCY = [1, 16, 64];
const TARGET_P99_AT_16 = { sqlite: 50, neo4j: 100 };
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const QUERY = `query Chains($to: ID!) {
  executionChains(to: $to, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind depth automation { id displayName } identity { id displayName }
      hops { position edge { edgeType provenance { origin } } to { id displayName } } } }
  }
}`;

hr(`GraphQL API benchmark: executionChains on a ${fmt(nodes)}-node synthetic tenant, ${duration} s per run`);
const work = mkdtempSync(join(tmpdir(), 'authgraph-bench-api-'));
const keysFile = join(work, 'keys.json');
const dbFile = join(work, 'authgraph.db');
let key = '';
const uri = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7697';

try {
  // Every store is filled first and the graph let go before any load is sent: this process is the
  // client, and a client collecting a 100k-node heap would add its own pauses to the latencies.
  const { identities, neo4jReady, tenantId } = await prepare();
  (globalThis as { gc?: () => void }).gc?.();
  const issued = issueApiKey({ tenantId, role: 'reader', label: 'bench' });
  await appendToKeysFile(keysFile, issued.record);
  key = issued.key;
  for (const [label, identity] of Object.entries(identities)) {
    console.log(`\n${label} identity ${identity.id}: ${identity.chains} execution chains (a page is 20)`);
    await benchServer('sqlite', identity, { AUTHGRAPH_STORE: 'sqlite', AUTHGRAPH_DB: dbFile });
    if (neo4jReady) await benchServer('neo4j', identity, { AUTHGRAPH_STORE: 'neo4j', NEO4J_URI: uri });
  }
  // Issue 13: hostile queries cost what they check, and deadlines fire.
  hr('Limits: a fragment fan-out refused, a drift over all history stopped at its deadline');
  await benchFanOutRefusal();
  await benchDriftTimeout(driftNodes, 'sqlite');
  await benchDriftTimeout(driftNodes, 'memory');
} finally {
  rmSync(work, { recursive: true, force: true });
}

interface Target {
  id: string;
  chains: number;
}

async function prepare(): Promise<{ identities: Record<'typical' | 'heaviest', Target>; neo4jReady: boolean; tenantId: string }> {
  const generated = syntheticTenant({ nodes });
  // The tenant id names the data, so a kept Neo4j copy is reused only while the generator is unchanged.
  const tenantId = `bench-api-${nodes}-${shortHash(generated.edges.map((e) => e.edgeId).join('\n'), 12)}`;
  const graph = { ...generated, tenantId };
  const identities = await pickIdentities(graph);
  // SQLite: the embedded store, handed to the server as its database file.
  const sqlite = SqliteStorageAdapter.open({ filePath: dbFile });
  await loadGraph(sqlite, graph);
  await sqlite.close();

  const neo4j = await Neo4jStorageAdapter.connect({ uri }).catch(() => undefined);
  if (!neo4j) {
    console.log(`neo4j: not reachable at ${uri}; skipped (start it with: npm run services -- up neo4j)`);
    return { identities, neo4jReady: false, tenantId };
  }
  try {
    // Loaded once and kept: a rerun reuses it (the sync record marks a finished load).
    if (!(await neo4j.lastCompletedSync(tenantId, graph.connectorId))) {
      const started = Date.now();
      // In batched transactions: one commit of a 100k-node tenant exceeds the local server's
      // transaction memory (a first sync that large goes through the bulk path).
      await neo4j.bulkUpsertNodes(graph.tenantId, graph.nodes, { connectorId: graph.connectorId });
      await neo4j.bulkUpsertEdges(graph.tenantId, graph.edges, { connectorId: graph.connectorId });
      await neo4j.saveSyncState(graph.tenantId, {
        syncId: graph.syncId,
        tenantId: graph.tenantId,
        connectorId: graph.connectorId,
        mode: 'full',
        status: 'completed',
        startedAt: graph.transformedAt,
        completedAt: graph.transformedAt,
        validAt: graph.transformedAt,
        errors: [],
      });
      console.log(`neo4j: loaded the tenant in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return { identities, neo4jReady: true, tenantId };
  } catch (error) {
    console.log(`neo4j: load failed: ${(error as Error).message.split('\n')[0]}`);
    process.exitCode = 1;
    return { identities, neo4jReady: false, tenantId };
  } finally {
    await neo4j.close();
  }
}

/** One commit without events, as after an initial import: the benchmark measures reads. */
async function loadGraph(storage: StorageAdapter, g: NormalizedGraph) {
  await storage.commitSync(g.tenantId, {
    connectorId: g.connectorId,
    changes: { upsertNodes: g.nodes, upsertEdges: g.edges, removeEdgeIds: [] },
    events: [],
    syncState: { syncId: g.syncId, tenantId: g.tenantId, connectorId: g.connectorId, mode: 'full', status: 'completed', startedAt: g.transformedAt, completedAt: g.transformedAt, validAt: g.transformedAt, errors: [] },
  });
}

/** Among the first 100 identities that have chains: the median one and the one with the most. */
async function pickIdentities(g: NormalizedGraph): Promise<Record<'typical' | 'heaviest', Target>> {
  const store = MemoryStorageAdapter.create();
  await loadGraph(store, g);
  const found: Target[] = [];
  for (const n of g.nodes) {
    if (n.nodeType !== 'identity') continue;
    // What executionChains(to:) answers by default: every verdict kind ending at the identity.
    const chains = (await findChainVerdicts(store, g.tenantId, { to: n.nodeId })).length;
    if (chains > 0) found.push({ id: n.nodeId, chains });
    if (found.length === 100) break;
  }
  found.sort((a, b) => a.chains - b.chains);
  return { typical: found[Math.floor(found.length / 2)]!, heaviest: found.at(-1)! };
}

async function benchServer(store: 'sqlite' | 'neo4j', identity: Target, env: Record<string, string>) {
  const server = await startServe(env);
  try {
    const target = {
      url: `${server.url}graphql`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: QUERY, variables: { to: identity.id } }),
    };
    const check = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
    const answer = (await check.json()) as { data?: { executionChains?: { totalCount: number } }; errors?: unknown };
    if (answer.data?.executionChains?.totalCount !== identity.chains) throw new Error(`unexpected answer: ${JSON.stringify(answer).slice(0, 300)}`);
    await autocannon({ ...target, connections: 4, duration: 2 }); // warm-up: JIT, caches
    for (const connections of CONCURRENCY) {
      const r = await autocannon({ ...target, connections, duration, timeout: 30 });
      const failed = r.errors + r.timeouts + r.non2xx;
      console.log(
        `  ${store} executionChains c=${String(connections).padEnd(2)}  ${fmt(r.requests.average).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms${failed ? `  (${failed} failed)` : ''}`,
      );
      if (connections === 16) {
        const limit = TARGET_P99_AT_16[store];
        console.log(`  target: p99 < ${limit} ms at 16 clients → ${r.latency.p99 < limit && !failed ? 'met' : 'NOT met'}`);
      }
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
}

async function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], {
    // NODE_ENV=production as deployed: graphql-js then skips its development-only checks.
    // The per-key rate limit and concurrency cap are off here: this measures capacity, and one key
    // stands for many clients (the limits' own figures are printed below, under Limits).
    env: {
      ...process.env,
      NODE_ENV: 'production',
      AUTHGRAPH_API_KEYS_FILE: keysFile,
      AUTHGRAPH_API_RATE_PER_SECOND: '0',
      AUTHGRAPH_API_HEAVY_CONCURRENCY: '256',
      AUTHGRAPH_API_HEAVY_PER_KEY: '256',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 180_000;
  while (!/playground at (http:\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`authgraph serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url: /playground at (http:\S+)/.exec(out)![1]! };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { ensureServices, stopServices } from '../../scripts/services.mjs';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { runTenantSync } from '../../src/sync/run-tenant-sync.ts';
import { codesOf, postGraphQL, startTestApi } from '../integration/api/support.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri } from '../support/services.ts';
import { staticGraphInstance } from '../support/static-connector.ts';

// Tenants over two Neo4j Community servers (issue 18): the test run's server and a second one
// (scripts/services.mjs `neo4j-2`, started here if it is not running). The placement file is read
// the way a process reads it at start (AUTHGRAPH_NEO4J_PLACEMENT), and server b is named by a
// neo4j:// routing URI, which the driver takes unchanged (a standalone server routes to itself).

let dir: string;
let stopNeo4j2 = false;
let placed: StorageAdapter;
let serverA: Neo4jStorageAdapter;
let serverB: Neo4jStorageAdapter;
const onA = freshTenant('placed-a');
const onB = freshTenant('placed-b');

beforeAll(async () => {
  const { neo4j2Uri, started } = await ensureServices({ services: ['neo4j-2'] });
  stopNeo4j2 = started.length > 0;
  const routingB = neo4j2Uri.replace(/^bolt:/, 'neo4j:');
  dir = mkdtempSync(path.join(tmpdir(), 'authgraph-placement-'));
  const file = path.join(dir, 'placement.json');
  writeFileSync(file, JSON.stringify({ servers: { a: { uri: neo4jUri() }, b: { uri: routingB } }, default: 'a', tenants: { [onB]: 'b' } }));
  placed = await openStorage(loadAppConfig({ AUTHGRAPH_NEO4J_PLACEMENT: file }));
  serverA = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  serverB = await Neo4jStorageAdapter.connect({ uri: neo4j2Uri });
});
afterAll(async () => {
  await placed?.close();
  await serverA?.close();
  await serverB?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (stopNeo4j2) await stopServices({ services: ['neo4j-2'] });
});

const nodeCount = async (store: StorageAdapter, tenantId: string) => (await store.listNodes(tenantId, { first: 10_000, includeDeleted: true })).nodes.length;

describe('tenants placed on two Neo4j servers', () => {
  it('the sync engine writes each tenant to its own server only', async () => {
    const graphA = sampleTenant(onA);
    const graphB = syntheticTenant({ nodes: 60, seed: 2, tenantId: onB });
    const reportA = await runTenantSync(placed, [staticGraphInstance(onA, 'static', { graph: graphA })], { mode: 'full' });
    const reportB = await runTenantSync(placed, [staticGraphInstance(onB, 'static', { graph: graphB })], { mode: 'full' });
    expect([reportA.outcomes[0]?.status, reportB.outcomes[0]?.status]).toEqual(['completed', 'completed']);

    expect(await nodeCount(serverA, onA)).toBe(graphA.nodes.length);
    expect(await nodeCount(serverB, onB)).toBe(graphB.nodes.length);
    expect(await nodeCount(serverA, onB)).toBe(0);
    expect(await nodeCount(serverB, onA)).toBe(0);
    // Events, sync records and outbox rows travel with the tenant's graph.
    expect((await serverB.queryEvents(onB, { limit: 10_000 })).length).toBeGreaterThan(0);
    expect(await serverA.queryEvents(onB, { limit: 10 })).toEqual([]);
    expect((await serverB.listSyncStates(onB)).map((s) => s.status)).toEqual(['completed']);
    expect(await serverA.listSyncStates(onB)).toEqual([]);
    expect((await serverB.listOutbox(onB, { topic: 'authgraph.syncs.completed', limit: 10 })).length).toBe(1);
    expect(await serverA.listOutbox(onB, { topic: 'authgraph.syncs.completed', limit: 10 })).toEqual([]);
    // Read back through the placement: the same answers as from the servers themselves.
    expect(await nodeCount(placed, onB)).toBe(graphB.nodes.length);
    expect(await placed.dataVersion(onB)).toBe(await serverB.dataVersion(onB));
  });

  it('the API routes each key to its tenant’s server, and no key reaches another server’s tenant', async () => {
    const api = await startTestApi(placed);
    try {
      const gql = (query: string, key: string) => postGraphQL(api.server.graphqlUrl, query, {}, key);
      const keyA = api.key(onA, 'reader');
      const keyB = api.key(onB, 'reader');
      const chains = `{ executionChains(to: "${SAMPLE_IDS.graphPrincipal}") { totalCount } }`;
      const fromA = await gql(chains, keyA);
      expect(fromA.body.errors).toBeUndefined();
      expect(fromA.body.data!.executionChains.totalCount).toBeGreaterThan(0);
      // Tenant B (on server b) has no such identity; tenant A's copy on server a is not reachable.
      expect(codesOf(await gql(chains, keyB))).toEqual(['NOT_FOUND']);
      const nodesB = await gql(`{ viewer { tenantId } nodes(first: 100) { edges { node { id } } } }`, keyB);
      expect(nodesB.body.data!.viewer.tenantId).toBe(onB);
      const idsB = (nodesB.body.data!.nodes.edges as { node: { id: string } }[]).map((e) => e.node.id);
      expect(idsB.length).toBe(Math.min(100, await nodeCount(serverB, onB)));
      expect(codesOf(await gql(`{ node(id: "${idsB[0]}") { id } }`, keyA))).toEqual(['NOT_FOUND']);
    } finally {
      await api.close();
    }
  });
});

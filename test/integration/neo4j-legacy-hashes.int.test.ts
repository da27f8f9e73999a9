// Hashes written before hash128 (sha1 of the row's JSON, base64: model/hash.ts) compare unequal
// once: the next sync reads those rows, finds the same content, publishes nothing, and rewrites
// them with the current hash — without archiving a version (the JSON is the same), so history and
// reads as of a past time are unchanged. After that the rows compare by hash again.

import { createHash } from 'node:crypto';
import neo4jDriver from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_TYPES, edgeContentHash, nodeContentHash } from '../../src/model/index.ts';
import { readPreviousGraph } from '../../src/sync/previous-graph.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';
import { exactHashes } from '../support/exact-hashes.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('base64');

describe('Neo4j: content hashes of an older version', () => {
  let storage: Neo4jStorageAdapter;
  const driver = neo4jDriver.driver(neo4jUri(), undefined, { disableLosslessIntegers: true });
  const tenantId = uniqueTenant('legacy-hashes');

  beforeAll(async () => {
    storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    await storage.purgeTenant(tenantId);
    await storage.close();
    await driver.close();
  });

  it('are rewritten by the next sync without events or history, then compared by hash', async () => {
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const before = await storage.historyStats(tenantId);

    // Put the former sha1 hashes in place of the current ones, as an older version stored them.
    const session = driver.session();
    try {
      await session.run('UNWIND $rows AS row MATCH (n:Node {tenantId: $tenantId, nodeId: row.id}) SET n.contentHash = row.hash', {
        tenantId,
        rows: graph.nodes.map((n) => ({ id: n.nodeId, hash: sha1(JSON.stringify(n)) })),
      });
      for (const type of EDGE_TYPES) {
        await session.run(`UNWIND $rows AS row MATCH ()-[r:${type} {tenantId: $tenantId, edgeId: row.id}]->() SET r.contentHash = row.hash`, {
          tenantId,
          rows: graph.edges.filter((e) => e.edgeType === type).map((e) => ({ id: e.edgeId, hash: sha1(JSON.stringify(e)) })),
        });
      }
    } finally {
      await session.close();
    }
    const legacy = await exactHashes(await storage.previousState(tenantId, graph.connectorId));
    expect([...legacy.nodeHashes.values()].every((h) => h.length === 28 && h.endsWith('='))).toBe(true);

    // Every row compares unequal and is read in full; nothing changed, so nothing is published.
    const read = await readPreviousGraph(storage, { ...graph, syncId: 'legacy-2' });
    expect(read.diffOptions.classified!.staleNodeIds.length).toBe(graph.nodes.length);
    const second = await applyGraph(storage, { ...graph, syncId: 'legacy-2', transformedAt: '2026-06-01T00:00:00.000Z' });
    expect(second.events).toEqual([]);
    expect(second).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, nodesDeleted: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0 });

    // The rows now hold the current hashes, and no version was archived for the rewrite.
    const state = await exactHashes(await storage.previousState(tenantId, graph.connectorId));
    expect(new Map([...state.nodeHashes].sort())).toEqual(new Map(graph.nodes.map((n) => [n.nodeId, nodeContentHash(n)] as const).sort()));
    expect(new Map([...state.edgeHashes].sort())).toEqual(new Map(graph.edges.map((e) => [e.edgeId, edgeContentHash(e)] as const).sort()));
    expect(await storage.historyStats(tenantId)).toEqual(before);

    // The sync after that reads nothing in full.
    const third = await readPreviousGraph(storage, { ...graph, syncId: 'legacy-3' });
    expect(third.diffOptions.classified!.staleNodeIds).toEqual([]);
    expect(third.diffOptions.classified!.staleEdgeIds).toEqual([]);
  });
});

// A commit too large for one transaction is staged, then switched (src/storage/neo4j/staged-commit.ts):
// into a tenant that holds rows by giving each staged row the tenant's id, into an empty tenant (a
// first sync) by pointing the tenant at the new home its rows were staged under (tenant-home.ts).
// What a reader sees must be all of it or none of it: staged rows are invisible to every tenant
// query and to the relay until the switch commits; a switch that fails leaves them invisible; a
// staged commit that fails leaves no staging rows behind.

import neo4jDriver from 'neo4j-driver';
import type { ManagedTransaction } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGraphs } from '../../src/diff/index.ts';
import type { GraphEvent, NormalizedGraph, SyncState } from '../../src/model/index.ts';
import { syncCompletedMessage } from '../../src/events/outbox-messages.ts';
import { committedOutbox } from '../../src/storage/committed-outbox.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { nodeTypeLookup } from '../../src/storage/neo4j/edge-writes.ts';
import { planStage, runStaged, stageStatements, stagingTenant, switchStaged } from '../../src/storage/neo4j/staged-commit.ts';
import { lockedHomeOf, stagedHome, switchHome } from '../../src/storage/neo4j/tenant-home.ts';
import { sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

const AT = '2026-03-01T00:00:00.000Z';
const syncState = (graph: NormalizedGraph): SyncState => ({
  syncId: graph.syncId,
  tenantId: graph.tenantId,
  connectorId: graph.connectorId,
  mode: 'full',
  status: 'completed',
  startedAt: AT,
  validAt: AT,
  errors: [],
});

describe('Neo4j staged commit', () => {
  let storage: Neo4jStorageAdapter;
  const driver = neo4jDriver.driver(neo4jUri(), undefined, { disableLosslessIntegers: true });
  const tenants: string[] = [];
  const fresh = (prefix: string) => {
    const id = uniqueTenant(prefix);
    tenants.push(id);
    return id;
  };
  const inTx = async <T>(work: (tx: ManagedTransaction) => Promise<T>) => {
    const session = driver.session();
    try {
      return await session.executeWrite(work);
    } finally {
      await session.close();
    }
  };
  const rowsUnder = async (tenantId: string) =>
    inTx(async (tx) => {
      const count = async (q: string) => Number((await tx.run(q, { tenantId })).records[0]!.get('n'));
      return {
        nodes: await count('MATCH (n:Node) WHERE n.tenantId = $tenantId RETURN count(n) AS n'),
        edges: await count('MATCH ()-[r]->() WHERE r.tenantId = $tenantId RETURN count(r) AS n'),
        events: await count('MATCH (e:Event) WHERE e.tenantId = $tenantId RETURN count(e) AS n'),
        outbox: await count('MATCH (m:Outbox) WHERE m.tenantId = $tenantId RETURN count(m) AS n'),
      };
    });

  /** The id the tenant's rows are stored under (its TenantHome's, else its own). */
  const homeOf = async (tenantId: string) =>
    inTx(
      async (tx) =>
        ((await tx.run('MATCH (h:TenantHome {tenantId: $tenantId}) RETURN h.storedAs AS s', { tenantId })).records[0]?.get('s') as string) ?? tenantId,
    );

  /** What the relay would publish of the tenant: its pending rows among every tenant's. */
  /** The tenant's readers see none of `graph`: no node, no event, no stored hash. */
  const expectNothingVisible = async (tenantId: string, graph: NormalizedGraph) => {
    const nodes = await storage.getNodes(
      tenantId,
      graph.nodes.map((n) => n.nodeId),
    );
    expect(nodes.every((n) => n === null)).toBe(true);
    expect(await storage.queryEvents(tenantId, { limit: 10 })).toEqual([]);
    expect(await storage.previousState(tenantId, graph.connectorId)).toEqual({ nodeHashes: new Map(), edgeHashes: new Map() });
  };
  const relayedIds = async (tenantId: string) => (await storage.pendingOutbox(1_000_000)).filter((m) => m.tenantId === tenantId).map((m) => m.outboxId);

  beforeAll(async () => {
    storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    for (const t of tenants) {
      await storage.purgeTenant(t);
      await storage.purgeTenant(stagingTenant(t, 'servicenow-main'));
    }
    await storage.close();
    await driver.close();
  });

  it('stages rows no reader sees, and shows all of them once the switch commits', async () => {
    const tenantId = fresh('staged-switch');
    const graph = sampleTenant(tenantId);
    const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
    const stage = stagingTenant(tenantId, graph.connectorId);
    const commit = { connectorId: graph.connectorId, changes, events: result.events, syncState: syncState(graph), publishEvents: { createdAt: AT } };
    const plan = planStage(changes, new Set(), new Set());
    // Every node is new and every edge joins two of them: all of it is staged.
    expect(plan.rest.upsertNodes).toEqual([]);
    expect(plan.rest.upsertEdges).toEqual([]);
    const statements = [
      ...stageStatements(stage, plan, result.events, committedOutbox(commit), {
        connectorId: graph.connectorId,
        at: AT,
        batchSize: 5,
        typeOf: nodeTypeLookup(plan.nodes),
      }),
    ];
    // Staged in several transactions, as a large commit is.
    for (let i = 0; i < statements.length; i += 3) await inTx((tx) => runStaged(tx, statements.slice(i, i + 3)));

    const staged = await rowsUnder(stage);
    expect(staged).toEqual({ nodes: graph.nodes.length, edges: graph.edges.length, events: result.events.length, outbox: result.events.length });
    // Nothing of it for the tenant's readers, nor for the relay, which reads every tenant's pending rows.
    await expectNothingVisible(tenantId, graph);
    const pending = await inTx(async (tx) =>
      (await tx.run('MATCH (m:Outbox) WHERE m.tenantId = $stage AND m:PendingOutbox RETURN count(m) AS n', { stage })).records[0]!.get('n'),
    );
    expect(pending).toBe(0);

    // A switch that fails (a staged id the tenant has meanwhile) rolls back: still nothing to see.
    const taken = graph.nodes[0]!;
    await inTx((tx) => tx.run('CREATE (n:Node {tenantId: $tenantId, nodeId: $nodeId})', { tenantId, nodeId: taken.nodeId }));
    await expect(inTx((tx) => switchStaged(tx, stage, tenantId))).rejects.toThrow(/already exists/);
    expect(await rowsUnder(stage)).toEqual(staged);
    expect(await storage.queryEvents(tenantId, { limit: 10 })).toEqual([]);
    await inTx((tx) => tx.run('MATCH (n:Node {tenantId: $tenantId, nodeId: $nodeId}) DELETE n', { tenantId, nodeId: taken.nodeId }));

    const switched = await inTx((tx) => switchStaged(tx, stage, tenantId));
    // Each published event is one row: an Event that is its own Outbox row (counted in both).
    expect(switched).toBe(staged.nodes + staged.edges + staged.events);
    expect(await rowsUnder(stage)).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
    const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
    expect(stored.nodes).toHaveLength(graph.nodes.length);
    expect(stored.edges).toHaveLength(graph.edges.length);
    expect((await storage.queryEvents(tenantId, { limit: 1000 })).length).toBe(result.events.length);
    expect((await storage.pendingOutbox(1_000_000, tenantId)).map((m) => m.outboxId)).toEqual(result.events.map((e) => e.eventId));
  });

  it('a staged commit that fails leaves nothing, in the tenant or under its staging id', async () => {
    const tenantId = fresh('staged-fail');
    const graph = sampleTenant(tenantId);
    const small = await Neo4jStorageAdapter.connect({ uri: neo4jUri(), singleTransactionRows: 1, transactionRows: 10, batchSize: 4 });
    try {
      const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
      // An event property Neo4j cannot store fails the staging after the nodes and edges are staged.
      const events = result.events.map((e, i) =>
        i === result.events.length - 1 ? ({ ...e, relationshipType: { not: 'storable' } } as unknown as GraphEvent) : e,
      );
      await expect(
        small.commitSync(tenantId, { connectorId: graph.connectorId, changes, events, syncState: syncState(graph), publishEvents: { createdAt: AT } }),
      ).rejects.toThrow();
      expect(await rowsUnder(tenantId)).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
      // A first sync is staged under a new home: nothing left there, and the tenant still lives at its own id.
      expect(await rowsUnder(stagedHome(tenantId, graph.connectorId, tenantId))).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
      expect(await homeOf(tenantId)).toBe(tenantId);
      expect(await small.listSyncStates(tenantId)).toEqual([]);

      // The same commit, whole, then goes through the staged path.
      await small.commitSync(tenantId, {
        connectorId: graph.connectorId,
        changes,
        events: result.events,
        syncState: syncState(graph),
        publishEvents: { createdAt: AT },
      });
      const home = await homeOf(tenantId);
      expect(home).toBe(stagedHome(tenantId, graph.connectorId, tenantId));
      expect(await rowsUnder(home)).toMatchObject({ nodes: graph.nodes.length, edges: graph.edges.length, events: result.events.length });
      expect(await rowsUnder(tenantId)).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
      expect((await small.listSyncStates(tenantId)).map((s) => s.syncId)).toEqual([graph.syncId]);
    } finally {
      await small.close();
    }
  });

  it('stages a first sync under a new home no reader or relay sees, and shows all of it once the tenant points there', async () => {
    const tenantId = fresh('staged-home');
    const graph = sampleTenant(tenantId);
    const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
    const home = stagedHome(tenantId, graph.connectorId, tenantId);
    tenants.push(home);
    const commit = { connectorId: graph.connectorId, changes, events: result.events, syncState: syncState(graph), publishEvents: { createdAt: AT } };
    const plan = planStage(changes, new Set(), new Set());
    const outbox = [...committedOutbox(commit)];
    const statements = [
      ...stageStatements(home, plan, result.events, outbox, {
        connectorId: graph.connectorId,
        at: AT,
        batchSize: 5,
        typeOf: nodeTypeLookup(plan.nodes),
        pending: true,
      }),
    ];
    for (let i = 0; i < statements.length; i += 3) await inTx((tx) => runStaged(tx, statements.slice(i, i + 3)));
    await storage.saveSyncState(tenantId, { ...syncState(graph), status: 'running' });

    const staged = await rowsUnder(home);
    expect(staged).toEqual({ nodes: graph.nodes.length, edges: graph.edges.length, events: result.events.length, outbox: outbox.length });
    await expectNothingVisible(tenantId, graph);
    // The relay reads every tenant's pending rows: a hidden home's are not among them.
    expect(await relayedIds(tenantId)).toEqual([]);
    expect(await storage.pendingOutbox(1000, tenantId)).toEqual([]);

    // The switch is one small write: the tenant's pointer and its sync records, not the staged rows.
    await inTx(async (tx) => switchHome(tx, tenantId, await lockedHomeOf(tx, tenantId), home));
    expect(await homeOf(tenantId)).toBe(home);
    expect(await storage.listSyncStates(tenantId)).toMatchObject([{ syncId: graph.syncId, status: 'running' }]);
    const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
    expect(stored.nodes).toHaveLength(graph.nodes.length);
    expect(stored.edges).toHaveLength(graph.edges.length);
    expect((await storage.queryEvents(tenantId, { limit: 1000 })).length).toBe(result.events.length);
    const ids = outbox.map((m) => m.outboxId);
    expect(await relayedIds(tenantId)).toEqual(ids);
    // A relay marks rows sent by the tenant its messages name; the rows live under the home.
    await storage.markOutboxSent([outbox[0]!], AT);
    expect(await relayedIds(tenantId)).toEqual(ids.slice(1));

    // Later commits write under the home: a one-transaction commit, and a staged one into a tenant that holds rows.
    const next = { ...graph, syncId: 'sync-2', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    const small = await Neo4jStorageAdapter.connect({ uri: neo4jUri(), singleTransactionRows: 1, transactionRows: 10, batchSize: 4 });
    try {
      const second = diffGraphs(stored, next);
      await small.commitSync(tenantId, {
        connectorId: graph.connectorId,
        changes: second.changes,
        events: second.result.events,
        syncState: syncState(next),
        publishEvents: { createdAt: AT },
      });
      expect(await homeOf(tenantId)).toBe(home);
      expect((await storage.getNode(tenantId, graph.nodes[0]!.nodeId))?.displayName).toBe('renamed');
      expect(await rowsUnder(tenantId)).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
    } finally {
      await small.close();
    }
  });

  it('moves a first sync row by row when the tenant was written between its staging and its switch', async () => {
    const tenantId = fresh('staged-raced');
    const graph = sampleTenant(tenantId);
    const small = await Neo4jStorageAdapter.connect({ uri: neo4jUri(), singleTransactionRows: 1, transactionRows: 10, batchSize: 4 });
    const notice = syncCompletedMessage({ ...syncState(graph), syncId: 'other-sync', connectorId: 'other' }, AT, 0);
    // Between the staging and the switch, another writer reaches the tenant (an outbox message).
    const internals = small as unknown as { writeInTransactions: (...args: unknown[]) => Promise<void> };
    const staging = internals.writeInTransactions.bind(small);
    internals.writeInTransactions = async (...args: unknown[]) => {
      await staging(...args);
      expect(await relayedIds(tenantId)).toEqual([]);
      await storage.enqueueOutbox(tenantId, [notice]);
    };
    try {
      const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
      const commit = { connectorId: graph.connectorId, changes, events: result.events, syncState: syncState(graph), publishEvents: { createdAt: AT } };
      await small.commitSync(tenantId, commit);
      // The tenant keeps its home (its own id): the message written meanwhile stays visible beside the sync.
      expect(await homeOf(tenantId)).toBe(tenantId);
      expect(await rowsUnder(stagedHome(tenantId, graph.connectorId, tenantId))).toEqual({ nodes: 0, edges: 0, events: 0, outbox: 0 });
      const published = [...committedOutbox(commit)].map((m) => m.outboxId);
      expect(await rowsUnder(tenantId)).toEqual({
        nodes: graph.nodes.length,
        edges: graph.edges.length,
        events: result.events.length,
        outbox: published.length + 1,
      });
      expect((await relayedIds(tenantId)).sort()).toEqual([notice.outboxId, ...published].sort());
      expect((await storage.listSyncStates(tenantId)).map((s) => s.syncId)).toEqual([graph.syncId]);
    } finally {
      await small.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainVerdicts, verdictId } from '../../src/analysis/chain-verdicts.ts';
import { findExecutionChains, findPathsToIdentities } from '../../src/analysis/execution-chains.ts';
import { ownershipOf } from '../../src/analysis/ownership-report.ts';
import { canonicalJson } from '../../src/model/index.ts';
import { diffGraphs } from '../../src/diff/index.ts';
import type { GraphEvent, NormalizedGraph, OutboxMessage, SyncState } from '../../src/model/index.ts';
import { resolveAsOf } from '../../src/storage/as-of.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { findInboundPaths } from '../../src/analysis/inbound-chains.ts';
import { findPartialPaths } from '../../src/analysis/partial-chains.ts';
import { calledOnlyStarts, isEntryPoint } from '../../src/analysis/entry-points.ts';
import { readPreviousGraph } from '../../src/sync/previous-graph.ts';
import { exactHashes } from '../support/exact-hashes.ts';
import { edgeContentHash, makeEdgeId, nodeContentHash, rowFingerprint } from '../../src/model/index.ts';
import type { EdgeType, NormalizedEdge, NormalizedNode } from '../../src/model/index.ts';
import type { HashedPrevious } from '../../src/diff/index.ts';
import { readDeltaPrevious } from '../../src/sync/delta-previous.ts';
import { overlayDelta } from '../support/overlay-delta.ts';
import { loadSampleHistory } from '../support/sample-history.ts';
import { commitChanges } from '../support/hand-writes.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { VERDICT_IDS, VERDICT_SUMMARY, verdictTenant } from '../support/verdict-tenant.ts';

export interface AdapterHarness {
  setup: () => Promise<StorageAdapter>;
  teardown?: (adapter: StorageAdapter) => Promise<void>;
}

const sortedJson = (items: unknown[]) => items.map((i) => canonicalJson(i)).sort();

/**
 * The behaviour every StorageAdapter must have. Each adapter's test calls this once; tests share
 * one adapter (one server) and stay apart by tenant id.
 */
export function defineStorageAdapterContract(name: string, harness: AdapterHarness): void {
  describe(`StorageAdapter contract: ${name}`, () => {
    let storage: StorageAdapter;
    beforeAll(async () => {
      storage = await harness.setup();
    });
    afterAll(async () => {
      if (harness.teardown) await harness.teardown(storage);
      else await storage.close();
    });

    const loadSample = async (tenantId = freshTenant()) => {
      const graph = sampleTenant(tenantId);
      const result = await applyGraph(storage, graph);
      return { tenantId, graph, result };
    };

    describe('graph operations', () => {
      it('stores a sync and gives the same graph back for its connector', async () => {
        const { tenantId, graph, result } = await loadSample();
        expect(result.nodesCreated).toBe(graph.nodes.length);
        expect(result.edgesCreated).toBe(graph.edges.length);
        const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
        expect(sortedJson(stored.nodes)).toEqual(sortedJson(graph.nodes));
        expect(sortedJson(stored.edges)).toEqual(sortedJson(graph.edges));
      });

      it('loading the same graph twice changes nothing and emits no events', async () => {
        const { tenantId, graph } = await loadSample();
        const again = await applyGraph(storage, { ...graph, syncId: 'sample-sync-again' });
        expect(again.events).toEqual([]);
        expect(again.nodesCreated + again.nodesUpdated + again.nodesDeleted + again.edgesCreated + again.edgesRemoved).toBe(0);
        expect(await storage.queryEvents(tenantId, { limit: 1000 })).toHaveLength(graph.nodes.length + graph.edges.length);
      });

      it('reads nodes by id and type, and edges by direction', async () => {
        const { tenantId, graph } = await loadSample();
        const principal = await storage.getNode(tenantId, SAMPLE_IDS.graphPrincipal);
        expect(principal).toEqual(graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.graphPrincipal));
        const automations = await storage.getNodesByType(tenantId, 'automation');
        expect(automations.map((n) => n.nodeId).sort()).toEqual(
          graph.nodes.filter((n) => n.nodeType === 'automation').map((n) => n.nodeId).sort(),
        );
        const incoming = await storage.getEdgesForNode(tenantId, SAMPLE_IDS.scriptInclude, 'incoming');
        expect(incoming.map((e) => e.edgeType).sort()).toEqual(['CALLS', 'CALLS']);
        const outgoing = await storage.getEdgesForNode(tenantId, SAMPLE_IDS.scriptInclude, 'outgoing');
        expect(outgoing.map((e) => e.edgeType).sort()).toEqual(['CREATED_BY', 'INVOKES']);
        const both = await storage.getEdgesForNode(tenantId, SAMPLE_IDS.scriptInclude, 'both');
        expect(both).toHaveLength(4);
        const batch = await storage.getNodes(tenantId, [SAMPLE_IDS.bob, 'missing:node', SAMPLE_IDS.alice]);
        expect(batch.map((n) => n?.nodeId ?? null)).toEqual([SAMPLE_IDS.bob, null, SAMPLE_IDS.alice]);
      });

      it('hand-made commits replace nodes, tombstones drop their edges, edges come and go by id', async () => {
        const { tenantId, graph } = await loadSample();
        const bob = graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.bob)!;
        await commitChanges(storage, tenantId, { upsertNodes: [{ ...bob, displayName: 'Robert Okafor' }] }, { connectorId: graph.connectorId });
        expect((await storage.getNode(tenantId, SAMPLE_IDS.bob))?.displayName).toBe('Robert Okafor');
        expect((await storage.getEdgesForNode(tenantId, SAMPLE_IDS.bob, 'both')).length).toBeGreaterThan(0);
        const tombstone = { ...bob, status: 'deleted', deletedAt: '2026-11-01T00:00:00.000Z' } as NormalizedNode;
        // Only the tombstone: the adapter itself drops the node's edges (a guard for hand-made change sets).
        await commitChanges(storage, tenantId, { upsertNodes: [tombstone] }, { connectorId: graph.connectorId });
        expect((await storage.getNode(tenantId, SAMPLE_IDS.bob))?.status).toBe('deleted');
        expect(await storage.getEdgesForNode(tenantId, SAMPLE_IDS.bob, 'both')).toEqual([]);
        expect((await storage.getNodesByType(tenantId, 'human_identity')).map((n) => n.nodeId)).not.toContain(SAMPLE_IDS.bob);
        const edge = graph.edges.find((e) => e.edgeType === 'USES')!;
        await commitChanges(storage, tenantId, { removeEdgeIds: [edge.edgeId] }, { connectorId: graph.connectorId });
        expect((await storage.getEdgesForNode(tenantId, edge.sourceNodeId, 'outgoing')).map((e) => e.edgeId)).not.toContain(edge.edgeId);
        expect(await storage.getEdges(tenantId, [edge.edgeId])).toEqual([null]);
        await commitChanges(storage, tenantId, { upsertEdges: [{ ...edge, properties: { sourceEvidence: 'sys_id:1' } }] }, { connectorId: graph.connectorId });
        const back = (await storage.getEdgesForNode(tenantId, edge.sourceNodeId, 'outgoing')).find((e) => e.edgeId === edge.edgeId);
        expect(back?.properties).toEqual({ sourceEvidence: 'sys_id:1' });
        expect((await storage.getEdges(tenantId, [edge.edgeId, 'USES:none']))[0]?.properties).toEqual({ sourceEvidence: 'sys_id:1' });
      });

      it('writes are scoped to the connector they were committed for', async () => {
        const tenantId = freshTenant();
        const graph = sampleTenant(tenantId);
        const [first, ...rest] = graph.nodes;
        await commitChanges(storage, tenantId, { upsertNodes: [first!] }, { connectorId: 'conn-a' });
        await commitChanges(storage, tenantId, { upsertNodes: rest, upsertEdges: graph.edges }, { connectorId: 'conn-b' });
        expect((await storage.getGraphForConnector(tenantId, 'conn-a')).nodes.map((n) => n.nodeId)).toEqual([first!.nodeId]);
        const b = await storage.getGraphForConnector(tenantId, 'conn-b');
        expect(b.nodes).toHaveLength(rest.length);
        expect(b.edges).toHaveLength(graph.edges.length);
        const a = await exactHashes(await storage.previousState(tenantId, 'conn-a'));
        expect([...a.nodeHashes]).toEqual([[first!.nodeId, nodeContentHash(first!)]]);
        expect(a.edgeHashes.size).toBe(0);
      });

      it('pages through nodes by id with filters', async () => {
        const { tenantId, graph } = await loadSample();
        const seen: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 20; page++) {
          const res = await storage.listNodes(tenantId, { first: 4, ...(after ? { after } : {}) });
          seen.push(...res.nodes.map((n) => n.nodeId));
          if (!res.hasNextPage) break;
          after = res.nodes.at(-1)!.nodeId;
        }
        expect(seen).toEqual(graph.nodes.map((n) => n.nodeId).sort());
        const privileged = await storage.listNodes(tenantId, { nodeType: 'role', filters: { isPrivileged: true }, first: 10 });
        expect(privileged.nodes).toHaveLength(2);
        const bySystem = await storage.listNodes(tenantId, { nodeType: 'identity', filters: { sourceSystem: 'entra_id' }, first: 10 });
        expect(bySystem.nodes.map((n) => n.displayName).sort()).toEqual(['Payroll-Connector', 'SN-Graph-Integration']);
      });
    });

    describe('diff through storage', () => {
      it('tombstones a node missing from the next complete sync, and brings it back when it returns', async () => {
        const { tenantId, graph } = await loadSample();
        const withoutPayroll: NormalizedGraph = {
          ...graph,
          syncId: 'sample-sync-2',
          transformedAt: '2026-01-16T06:00:00.000Z',
          nodes: graph.nodes.filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal),
          edges: graph.edges.filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal),
        };
        const second = await applyGraph(storage, withoutPayroll);
        expect(second.nodesDeleted).toBe(1);
        expect(second.edgesRemoved).toBe(2);
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal))?.status).toBe('deleted');
        const back = await applyGraph(storage, { ...graph, syncId: 'sample-sync-3', transformedAt: '2026-01-17T06:00:00.000Z' });
        expect(back.nodesCreated).toBe(1);
        expect(back.edgesCreated).toBe(2);
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal))?.status).toBe('active');
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal))?.deletedAt).toBeUndefined();
      });

      it('writes an edge the diff calls new once even if another connector stored it, and one whose end is not stored yet', async () => {
        const { tenantId, graph } = await loadSample();
        const shared = graph.edges[0]!;
        const source = graph.nodes.find((n) => n.nodeType === 'automation')!;
        const toGhost = { edgeId: `APPROVED_BY:${source.nodeId}:custom:ghost:h-1`, edgeType: 'APPROVED_BY' as const, sourceNodeId: source.nodeId, targetNodeId: 'custom:ghost:h-1', properties: {} };
        // A second connector's first sync: to its diff both edges are new.
        await commitChanges(storage, tenantId, { upsertEdges: [shared, toGhost], newEdgeIds: new Set([shared.edgeId, toGhost.edgeId]) }, { connectorId: 'second' });
        const sharedNow = (await storage.getEdgesForNode(tenantId, shared.sourceNodeId, 'outgoing')).filter((e) => e.edgeId === shared.edgeId);
        expect(sharedNow).toEqual([shared]);
        expect(await storage.getEdges(tenantId, [toGhost.edgeId])).toEqual([toGhost]);
      });

      it('an empty extraction deletes nothing', async () => {
        const { tenantId, graph } = await loadSample();
        const empty = await applyGraph(storage, { ...graph, syncId: 'sample-empty', nodes: [], edges: [] });
        expect(empty.events).toEqual([]);
        expect((await storage.getGraphForConnector(tenantId, graph.connectorId)).nodes).toHaveLength(graph.nodes.length);
      });

      it('records the sync and answers the last sync state per connector', async () => {
        const { tenantId, graph } = await loadSample();
        await applyGraph(storage, { ...graph, syncId: 'sample-sync-later', transformedAt: '2026-02-01T00:00:00.000Z' }, { startedAt: '2026-02-01T00:00:00.000Z' });
        const last = await storage.lastCompletedSync(tenantId, graph.connectorId);
        expect(last).toMatchObject({ syncId: 'sample-sync-later', status: 'completed', mode: 'full' });
        const all = await storage.listSyncStates(tenantId, { connectorId: graph.connectorId });
        expect(all.map((s) => s.syncId)).toEqual(['sample-sync-later', 'sample-sync-1']);
        // A newer failed or running record is listed, but it is not the last completed sync.
        const failed: SyncState = { syncId: 'sync-failed', tenantId, connectorId: graph.connectorId, mode: 'full', status: 'failed', startedAt: '2026-03-01T00:00:00.000Z', errors: [{ type: 'AUTH_FAILURE', message: '401' }] };
        await storage.saveSyncState(tenantId, failed);
        await storage.saveSyncState(tenantId, { ...failed, syncId: 'sync-running', status: 'running', startedAt: '2026-03-02T00:00:00.000Z', errors: [] });
        expect((await storage.listSyncStates(tenantId, { connectorId: graph.connectorId, limit: 1 }))[0]?.syncId).toBe('sync-running');
        expect((await storage.lastCompletedSync(tenantId, graph.connectorId))?.syncId).toBe('sample-sync-later');
        const partial: SyncState = { ...failed, syncId: 'sync-partial', status: 'partial', startedAt: '2026-02-15T00:00:00.000Z', errors: [] };
        await storage.saveSyncState(tenantId, partial);
        expect(await storage.lastCompletedSync(tenantId, graph.connectorId)).toEqual(partial);
        expect(await storage.lastCompletedSync(tenantId, 'never-ran')).toBeNull();
      });

      it('reads ids and content hashes for a sync, and diffs to the same events as the whole stored graph', async () => {
        const { tenantId, graph } = await loadSample();
        const read = await storage.previousState(tenantId, graph.connectorId);
        const state = await exactHashes(read);
        expect(new Map([...state.nodeHashes].sort())).toEqual(new Map(graph.nodes.map((n) => [n.nodeId, nodeContentHash(n)] as const).sort()));
        expect(new Map([...state.edgeHashes].sort())).toEqual(new Map(graph.edges.map((e) => [e.edgeId, edgeContentHash(e)] as const).sort()));
        // A store that answers with fingerprints gives one per live row, of its id and hash.
        if ('fingerprints' in read) {
          const fingerprints = (hashes: Map<string, string>) => [...hashes].map(([id, hash]) => rowFingerprint(id, hash)).sort();
          const lists = await read.fingerprints(0);
          expect([...lists.nodes].sort()).toEqual(fingerprints(state.nodeHashes));
          expect([...lists.edges].sort()).toEqual(fingerprints(state.edgeHashes));
          expect(read.stored).toEqual({ nodes: true, edges: true });
        }
        // The next sync: one node gone, one renamed, one edge re-dated, one node new.
        const changedEdge = graph.edges.find((e) => e.edgeType === 'GRANTS')!;
        const next: NormalizedGraph = {
          ...graph,
          syncId: 'sample-sync-next',
          transformedAt: '2026-01-20T06:00:00.000Z',
          nodes: [
            ...graph.nodes
              .filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal)
              .map((n) => (n.nodeId === SAMPLE_IDS.bob ? { ...n, displayName: 'Robert' } : n)),
            { ...graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.alice)!, nodeId: `${SAMPLE_IDS.alice}-2`, sourceId: 'u-alice-2' } as NormalizedNode,
          ],
          edges: graph.edges
            .filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal)
            .map((e) => (e.edgeId === changedEdge.edgeId ? { ...e, since: '2026-01-19T00:00:00.000Z' } : e)),
        };
        const whole = diffGraphs(await storage.getGraphForConnector(tenantId, graph.connectorId), next);
        const { previous, diffOptions } = await readPreviousGraph(storage, next);
        // Only changed and vanished rows were read in full; the rest is ids and hashes.
        expect('changedNodes' in previous && [...previous.changedNodes.keys()].sort()).toEqual([SAMPLE_IDS.payrollPrincipal, SAMPLE_IDS.bob].sort());
        const hashed = diffGraphs(previous, next, diffOptions);
        expect(hashed.result.events).toEqual(whole.result.events);
        expect(hashed.changes).toEqual(whole.changes);
        const applied = await applyGraph(storage, next);
        expect(applied.events).toEqual(whole.result.events);
        expect(applied.nodesDeleted).toBe(1);
        expect(applied.nodesUpdated).toBe(1);
        expect(applied.nodesCreated).toBe(1);
        expect(applied.edgesUpdated).toBe(1);
      });

      it('diffs a delta against what it touches, to the same events as laying it over the whole stored graph', async () => {
        const { tenantId, graph } = await loadSample();
        const grants = graph.edges.find((e) => e.edgeType === 'GRANTS')!;
        const bob = graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.bob)!;
        const alice2 = { ...graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.alice)!, nodeId: `${SAMPLE_IDS.alice}-2`, sourceId: 'u-alice-2' } as NormalizedNode;
        const ownsEdge = graph.edges.find((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal && e.targetNodeId !== SAMPLE_IDS.payrollPrincipal && e.edgeType !== 'GRANTS')!;
        // The delta: one node renamed, one new, one deleted by marker (its edges go with it), one edge re-dated, one edge to a stored node.
        const delta: NormalizedGraph = {
          ...graph,
          syncId: 'sample-sync-delta',
          transformedAt: '2026-01-21T06:00:00.000Z',
          nodes: [{ ...bob, displayName: 'Robert' }, alice2],
          edges: [{ ...grants, since: '2026-01-20T00:00:00.000Z' }, { ...ownsEdge, edgeId: `${ownsEdge.edgeId}-2`, sourceNodeId: alice2.nodeId } as NormalizedEdge],
          temporalMarkers: [{ nodeId: SAMPLE_IDS.payrollPrincipal, markerType: 'deleted', timestamp: '2026-01-21T05:00:00.000Z' }],
        };
        const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
        const whole = diffGraphs(stored, overlayDelta(stored, delta));
        const touched = await readDeltaPrevious(storage, delta);
        // Nothing beyond the delta, its edges' ends and the deleted node's edges was read.
        const read = touched.previous.previous as HashedPrevious;
        expect(read.changedNodes.size).toBeLessThan(stored.nodes.length);
        expect(read.changedEdges.size).toBeLessThan(stored.edges.length);
        const partial = diffGraphs(read, touched.current, touched.previous.diffOptions);
        expect(whole.result.nodesDeleted).toBe(1);
        expect(whole.result.edgesRemoved).toBeGreaterThan(1);
        expect(partial.result.events).toEqual(whole.result.events);
        expect(partial.result.deletionsWithheld).toEqual(whole.result.deletionsWithheld);
        expect(partial.changes).toEqual(whole.changes);
        const applied = await applyGraph(storage, touched.current, { previous: touched.previous, mode: 'incremental' });
        expect(applied.events).toEqual(whole.result.events);
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal))?.status).toBe('deleted');
        expect((await storage.getNode(tenantId, alice2.nodeId))?.nodeId).toBe(alice2.nodeId);
      });

      it('a commit that fails part-way leaves the graph, events, outbox and records as they were', async () => {
        const { tenantId, graph } = await loadSample();
        const snapshot = async () => ({
          graph: sortedJson((await storage.getGraphForConnector(tenantId, graph.connectorId)).nodes),
          edges: sortedJson((await storage.getGraphForConnector(tenantId, graph.connectorId)).edges),
          bob: await storage.getNode(tenantId, SAMPLE_IDS.bob),
          events: (await storage.queryEvents(tenantId, { limit: 1000 })).map((e) => e.eventId),
          syncs: (await storage.listSyncStates(tenantId)).map((s) => `${s.syncId}:${s.status}`),
          outbox: (await storage.pendingOutbox(100_000, tenantId)).length,
          version: await storage.dataVersion(tenantId),
        });
        const before = await snapshot();
        const next: NormalizedGraph = {
          ...graph,
          syncId: 'sync-doomed',
          transformedAt: '2026-01-16T06:00:00.000Z',
          nodes: graph.nodes.filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal).map((n) => (n.nodeId === SAMPLE_IDS.bob ? { ...n, displayName: 'Robert' } : n)),
          edges: graph.edges.filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal),
        };
        const { changes, result } = diffGraphs(graph, next);
        expect(changes.upsertNodes.length).toBeGreaterThan(0);
        expect(changes.removeEdgeIds.length).toBeGreaterThan(0);
        const syncState: SyncState = { syncId: 'sync-doomed', tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: next.transformedAt, validAt: next.transformedAt, errors: [] };
        const row = { outboxId: `${tenantId}-doomed`, tenantId, topic: 'authgraph.graph.events', key: 'k', payload: '{}', headers: {}, createdAt: next.transformedAt, batchId: 'sync-doomed', position: 0 };
        // The outbox rows come last; the second one cannot be made, so the commit fails at its very end.
        const outbox = {
          *[Symbol.iterator]() {
            yield row;
            throw new Error('the outbox row could not be made');
          },
        };
        await expect(storage.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, outbox })).rejects.toThrow();
        expect(await snapshot()).toEqual(before);
        await storage.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, outbox: [row] });
        const after = await snapshot();
        expect(after.bob?.displayName).toBe('Robert');
        expect(after.events).toHaveLength(before.events.length + result.events.length);
        expect(after.outbox).toBe(before.outbox + 1);
        expect(after.version).not.toEqual(before.version);
      });

      it('the data version changes with every write of the tenant and only then', async () => {
        const { tenantId, graph } = await loadSample();
        const other = freshTenant('other');
        const v1 = await storage.dataVersion(tenantId);
        expect(await storage.dataVersion(tenantId)).toEqual(v1);
        await loadSample(other);
        expect(await storage.dataVersion(tenantId)).toEqual(v1);
        await applyGraph(storage, { ...graph, syncId: 'again', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n) => (n.nodeId === SAMPLE_IDS.bob ? { ...n, displayName: 'B2' } : n)) });
        const v2 = await storage.dataVersion(tenantId);
        expect(v2).not.toEqual(v1);
        await storage.saveSyncState(tenantId, { syncId: 'r', tenantId, connectorId: 'x', mode: 'full', status: 'running', startedAt: '2026-03-01T00:00:00.000Z', errors: [] });
        expect(await storage.dataVersion(tenantId)).not.toEqual(v2);
      });
    });

    describe('paths', () => {
      it('finds the four-hop execution chains ending at an identity', async () => {
        const { tenantId } = await loadSample();
        const chains = await findExecutionChains(storage, tenantId, { to: SAMPLE_IDS.graphPrincipal });
        expect(chains.map((c) => c.nodes.map((n) => n.nodeId))).toEqual([
          [SAMPLE_IDS.businessRule, SAMPLE_IDS.scriptInclude, SAMPLE_IDS.restMessage, SAMPLE_IDS.oauthProfile, SAMPLE_IDS.graphPrincipal],
          [SAMPLE_IDS.scheduledJob, SAMPLE_IDS.scriptInclude, SAMPLE_IDS.restMessage, SAMPLE_IDS.oauthProfile, SAMPLE_IDS.graphPrincipal],
        ]);
        expect(chains[0]!.edges.map((e) => e.edgeType)).toEqual(['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS']);
        expect(chains[0]!.depth).toBe(4);
      });

      it('finds chains from an automation, including the short RUNS_AS form', async () => {
        const { tenantId } = await loadSample();
        const fromRule = await findExecutionChains(storage, tenantId, { from: SAMPLE_IDS.businessRule });
        expect(fromRule.map((c) => c.endNode.nodeId)).toEqual([SAMPLE_IDS.graphPrincipal]);
        const fromFlow = await findExecutionChains(storage, tenantId, { from: SAMPLE_IDS.flow });
        expect(fromFlow.map((c) => c.edges.map((e) => e.edgeType))).toEqual([['RUNS_AS']]);
      });

      it('gives every chain verdict: entry-point chains, a latent path, both partial kinds with their stop, inbound OAuth', async () => {
        const tenantId = freshTenant();
        await applyGraph(storage, verdictTenant(tenantId));
        const all = await findChainVerdicts(storage, tenantId, {});
        const summary = all.map((v) => [v.kind, v.path.nodes.map((n) => n.displayName).join(' > '), v.stop?.reason ?? null]);
        expect(summary).toEqual(VERDICT_SUMMARY);
        const crm = all.find((v) => v.stop?.reason === 'stops_at_credential')!;
        expect(crm.stop).toEqual({
          reason: 'stops_at_credential',
          nodeId: VERDICT_IDS.crmProfile,
          detail: `client id ${VERDICT_IDS.crmClientId} matches no identity: searched the appId of 2 identities (entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47), case-insensitively; a deleted app or another tenant's app`,
          searched: { field: 'clientId', value: VERDICT_IDS.crmClientId, against: 'appId', candidates: 2, scopes: ['entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47'] },
        });
        const vendor = all.find((v) => v.stop?.reason === 'stops_at_connection')!;
        expect(vendor.stop).toMatchObject({ nodeId: VERDICT_IDS.vendorApi, detail: expect.stringContaining('basic auth') });
        expect(all.filter((v) => !v.entryPoint).map((v) => v.path.startNode.nodeId)).toEqual([VERDICT_IDS.latentInclude]);
        // Execution chains proper leave the latent path out; a `to` query finds no partial chain.
        expect((await findExecutionChains(storage, tenantId, { to: SAMPLE_IDS.graphPrincipal })).map((c) => c.startNode.nodeId)).toEqual([SAMPLE_IDS.businessRule, SAMPLE_IDS.scheduledJob]);
        const toUser = await findChainVerdicts(storage, tenantId, { to: SAMPLE_IDS.hrIntegrationUser });
        expect(toUser.map((v) => v.kind)).toEqual(['inbound_oauth', 'runs_as']);
        const fromJob = await findChainVerdicts(storage, tenantId, { from: VERDICT_IDS.crmJob, kinds: ['partial'] });
        expect(fromJob.map(verdictId)).toEqual([verdictId(crm)]);
        expect(await findChainVerdicts(storage, tenantId, { kinds: ['latent'] })).toHaveLength(1);
      });

      it('honours maxDepth, end filters, direction and the depth cap', async () => {
        const { tenantId } = await loadSample();
        // Within 3 hops only the script include's path reaches the principal: library code, so no execution chain.
        const shallow = await findPathsToIdentities(storage, tenantId, { to: SAMPLE_IDS.graphPrincipal, maxDepth: 3 });
        expect(shallow.map((c) => c.startNode.nodeId)).toEqual([SAMPLE_IDS.scriptInclude]);
        expect(await findExecutionChains(storage, tenantId, { to: SAMPLE_IDS.graphPrincipal, maxDepth: 3 })).toEqual([]);
        const admins = await storage.queryPaths(tenantId, {
          startNodeType: 'identity',
          traverseEdgeTypes: ['GRANTS'],
          endNodeType: 'permission',
          endNodeFilters: { normalizedAction: 'admin' },
          maxDepth: 1,
        });
        expect(admins.map((p) => [p.startNode.displayName, p.endNode.displayName])).toEqual([['SN-Graph-Integration', 'Directory.ReadWrite.All']]);
        const filtered = await storage.queryPaths(tenantId, {
          startNodeType: 'automation',
          startNodeFilters: { automationSubtype: ['scheduled_job'] },
          traverseEdgeTypes: ['CALLS', 'INVOKES'],
          endNodeType: 'connection',
          maxDepth: 4,
        });
        expect(filtered.map((p) => p.depth)).toEqual([2]);
        await expect(storage.queryPaths(tenantId, { startNodeId: SAMPLE_IDS.businessRule, traverseEdgeTypes: ['CALLS'], maxDepth: 50 })).rejects.toThrow(/maxDepth/);
        await expect(storage.queryPaths(tenantId, { startNodeId: SAMPLE_IDS.businessRule, traverseEdgeTypes: ['DROP_ALL' as never], maxDepth: 2 })).rejects.toThrow(/traverseEdgeTypes/);
      });

      it('stops at the path limit and never loops on cycles', async () => {
        const { tenantId, graph } = await loadSample();
        // A CALLS cycle: script include calls the business rule that calls it.
        await commitChanges(storage, tenantId, { upsertEdges: [{ edgeId: 'CALLS:cycle', edgeType: 'CALLS', sourceNodeId: SAMPLE_IDS.scriptInclude, targetNodeId: SAMPLE_IDS.businessRule, properties: {} }] }, { connectorId: graph.connectorId });
        const paths = await storage.queryPaths(tenantId, { startNodeType: 'automation', traverseEdgeTypes: ['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS'], endNodeType: 'identity', maxDepth: 10 });
        for (const p of paths) expect(new Set(p.nodes.map((n) => n.nodeId)).size).toBe(p.nodes.length);
        const limited = await storage.queryPaths(tenantId, { startNodeType: 'automation', traverseEdgeTypes: ['CALLS', 'INVOKES'], maxDepth: 5, limit: 2 });
        expect(limited).toHaveLength(2);
      });
    });

    describe('events', () => {
      it('filters, orders and pages events without gaps or repeats', async () => {
        const { tenantId, result } = await loadSample();
        const all: GraphEvent[] = [];
        let after: string | undefined;
        for (let i = 0; i < 50; i++) {
          const page = await storage.queryEventPage(tenantId, { limit: 7, ...(after ? { after } : {}) });
          all.push(...page.events);
          if (!page.nextCursor) break;
          after = page.nextCursor;
        }
        expect(all.map((e) => e.eventId)).toEqual(result.events.map((e) => e.eventId));
        const desc = await storage.queryEvents(tenantId, { orderBy: 'desc', limit: 3 });
        expect(desc.map((e) => e.sequence)).toEqual([...result.events].reverse().slice(0, 3).map((e) => e.sequence));
        const forPrincipal = await storage.queryEvents(tenantId, { entityId: SAMPLE_IDS.graphPrincipal, eventType: 'created' });
        expect(forPrincipal).toHaveLength(1);
        const grants = await storage.queryEvents(tenantId, { relationshipType: 'GRANTS' });
        expect(grants).toHaveLength(2);
        const none = await storage.queryEvents(tenantId, { since: '2030-01-01T00:00:00.000Z' });
        expect(none).toEqual([]);
      });

      it('committing the same events again adds nothing', async () => {
        const { tenantId, result } = await loadSample();
        await commitChanges(storage, tenantId, {}, { events: result.events.slice(0, 5) });
        expect(await storage.queryEvents(tenantId, { limit: 1000 })).toHaveLength(result.events.length);
      });

      it('rejects a malformed cursor', async () => {
        const { tenantId } = await loadSample();
        await expect(storage.queryEventPage(tenantId, { after: 'not-a-cursor' })).rejects.toThrow(/cursor/);
      });
    });

    describe('ownership', () => {
      it('derives owned, orphaned and unattributed from stored edges', async () => {
        const { tenantId } = await loadSample();
        const principal = await ownershipOf(storage, tenantId, SAMPLE_IDS.graphPrincipal);
        expect(principal?.state).toBe('orphaned');
        expect(principal?.owners.map((o) => [o.displayName, o.active])).toEqual([['Alice Meyer', false]]);
        expect((await ownershipOf(storage, tenantId, SAMPLE_IDS.businessRule))?.state).toBe('owned');
        const payroll = await ownershipOf(storage, tenantId, SAMPLE_IDS.payrollPrincipal);
        expect(payroll?.state).toBe('unattributed');
        expect(payroll?.signals.map((s) => s.kind)).toContain('maintainer_hint_ignored');
        expect(await ownershipOf(storage, tenantId, 'no:such:node')).toBeNull();
      });
    });

    describe('history (as of a time or a sync)', () => {
      const T1 = '2026-01-15T06:00:00.000Z';
      const T2 = '2026-02-15T06:00:00.000Z';
      const T3 = '2026-03-15T06:00:00.000Z';

      /** Three syncs: the sample; then Payroll gone, the rule renamed, the profile→principal link cut; then the link back. */
      const threeSyncs = async () => {
        const tenantId = freshTenant('history');
        const one = sampleTenant(tenantId, { syncId: 'h-1', transformedAt: T1 });
        await applyGraph(storage, one);
        // (Another AUTHENTICATES_AS edge stays, so the type is not emptied — which the diff would refuse.)
        const uses = one.edges.find((e) => e.edgeType === 'AUTHENTICATES_AS' && e.sourceNodeId === SAMPLE_IDS.oauthProfile)!;
        const two: NormalizedGraph = {
          ...one,
          syncId: 'h-2',
          transformedAt: T2,
          nodes: one.nodes
            .filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal)
            .map((n) => (n.nodeId === SAMPLE_IDS.businessRule ? { ...n, displayName: 'Sync incident to Graph (v2)' } : n)),
          edges: one.edges.filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal && e.edgeId !== uses.edgeId),
        };
        await applyGraph(storage, two);
        const three: NormalizedGraph = { ...two, syncId: 'h-3', transformedAt: T3, edges: [...two.edges, uses] };
        await applyGraph(storage, three);
        return { tenantId, uses };
      };

      it('answers node reads as of each sync, tombstones included, and nothing before the first', async () => {
        const { tenantId } = await threeSyncs();
        const name = async (asOf?: string) => (await storage.getNode(tenantId, SAMPLE_IDS.businessRule, asOf ? { asOf } : undefined))?.displayName;
        expect(await name('2026-01-01T00:00:00.000Z')).toBeUndefined();
        expect(await name(T1)).toBe('Sync incident to Microsoft Graph');
        expect(await name('2026-02-01T00:00:00.000Z')).toBe('Sync incident to Microsoft Graph');
        expect(await name(T2)).toBe('Sync incident to Graph (v2)');
        expect(await name()).toBe('Sync incident to Graph (v2)');
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal, { asOf: T1 }))?.status).toBe('active');
        expect((await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal, { asOf: T2 }))?.status).toBe('deleted');
        const identities = async (asOf: string) => (await storage.getNodesByType(tenantId, 'identity', { asOf })).map((n) => n.displayName).sort();
        expect(await identities(T1)).toEqual(['Payroll-Connector', 'SN-Graph-Integration', 'svc_hr_integration']);
        expect(await identities(T3)).toEqual(['SN-Graph-Integration', 'svc_hr_integration']);
        const [rule] = await storage.getNodes(tenantId, [SAMPLE_IDS.businessRule], { asOf: T1 });
        expect(rule?.displayName).toBe('Sync incident to Microsoft Graph');
        const page = await storage.listNodes(tenantId, { nodeType: 'identity', first: 10 }, { asOf: T1 });
        expect(page.nodes).toHaveLength(3);
      });

      it('answers edges and execution chains as of each sync', async () => {
        const { tenantId, uses } = await threeSyncs();
        const chainsAt = async (asOf?: string) => (await findExecutionChains(storage, tenantId, { to: SAMPLE_IDS.graphPrincipal, ...(asOf ? { asOf } : {}) })).length;
        expect(await chainsAt(T1)).toBe(2);
        expect(await chainsAt(T2)).toBe(0);
        expect(await chainsAt(T3)).toBe(2);
        expect(await chainsAt()).toBe(2);
        const out = async (asOf: string) =>
          (await storage.getEdgesForNode(tenantId, SAMPLE_IDS.oauthProfile, 'outgoing', { asOf })).filter((e) => e.edgeType === 'AUTHENTICATES_AS').map((e) => e.edgeId);
        expect(await out(T1)).toEqual([uses.edgeId]);
        expect(await out(T2)).toEqual([]);
        expect(await out(T3)).toEqual([uses.edgeId]);
        const payrollGrants = await storage.getEdgesForNode(tenantId, SAMPLE_IDS.payrollPrincipal, 'outgoing', { asOf: T1 });
        expect(payrollGrants.map((e) => e.edgeType).sort()).toEqual(['CREATED_BY', 'GRANTS']);
      });

      it('resolves a sync id to the moment its data is valid from, and judges ownership then', async () => {
        const { tenantId } = await threeSyncs();
        expect(await resolveAsOf(storage, tenantId, 'h-2')).toBe(T2);
        expect(await resolveAsOf(storage, tenantId, T3)).toBe(T3);
        await expect(resolveAsOf(storage, tenantId, 'no-such-sync')).rejects.toThrow(/sync/);
        const at1 = await ownershipOf(storage, tenantId, SAMPLE_IDS.payrollPrincipal, T1);
        expect(at1?.state).toBe('unattributed');
        expect((await ownershipOf(storage, tenantId, SAMPLE_IDS.graphPrincipal, T1))?.state).toBe('orphaned');
      });

      // Posture (dashboard aggregates): computed by the store, checked against the fixture's story
      // and against the chains findExecutionChains lists one by one.
      const posture = (tenantId: string, now: string, asOf?: string, top = 10) =>
        storage.postureCounts(tenantId, { calledOnly: calledOnlyStarts(), now, expiringBefore: new Date(Date.parse(now) + 30 * 86_400_000).toISOString(), top }, asOf ? { asOf } : undefined);

      it('counts posture as of each sync: chains, privileged identities they reach, ownership', async () => {
        const { tenantId } = await threeSyncs();
        const at1 = await posture(tenantId, T1, T1);
        // Two chains to SN-Graph-Integration and HR onboarding flow → RUNS_AS → svc_hr_integration.
        expect(at1.chainsByKind).toEqual({ authenticates_as: 2, runs_as: 1, inbound_oauth: 0, partial: 0, latent: 0 });
        expect(at1.identitiesByOwnership).toEqual({ owned: 1, orphaned: 1, unattributed: 1, disputed: 0 });
        expect(at1.privilegedReachable).toEqual({
          count: 2,
          top: [
            { nodeId: SAMPLE_IDS.graphPrincipal, chains: 2 },
            { nodeId: SAMPLE_IDS.hrIntegrationUser, chains: 1 },
          ],
        });
        // Sync 2 cut the profile → principal link and deleted Payroll; sync 3 put the link back.
        const at2 = await posture(tenantId, T2, T2);
        expect(at2.chainsByKind).toEqual({ authenticates_as: 0, runs_as: 1, inbound_oauth: 0, partial: 2, latent: 0 });
        expect(at2.identitiesByOwnership).toEqual({ owned: 1, orphaned: 1, unattributed: 0, disputed: 0 });
        expect(at2.privilegedReachable).toEqual({ count: 1, top: [{ nodeId: SAMPLE_IDS.hrIntegrationUser, chains: 1 }] });
        const now = await posture(tenantId, T3);
        expect(now).toEqual(await posture(tenantId, T3, T3));
        expect(now.chainsByKind).toEqual({ authenticates_as: 2, runs_as: 1, inbound_oauth: 0, partial: 0, latent: 0 });
        expect((await posture(tenantId, T1, '2026-01-01T00:00:00.000Z')).chainsByKind).toEqual({ authenticates_as: 0, runs_as: 0, inbound_oauth: 0, partial: 0, latent: 0 });
        // The top list is cut, the count is not.
        expect((await posture(tenantId, T3, undefined, 1)).privilegedReachable).toEqual({ count: 2, top: [{ nodeId: SAMPLE_IDS.graphPrincipal, chains: 2 }] });
        expect((await posture(freshTenant('empty'), T3)).chainsByKind).toEqual({ authenticates_as: 0, runs_as: 0, inbound_oauth: 0, partial: 0, latent: 0 });
        // A script include nothing calls: a latent path, kept out of the ranked lists.
        const latentTenant = freshTenant('posture-latent');
        await applyGraph(storage, verdictTenant(latentTenant));
        const latent = await posture(latentTenant, T3);
        // Every verdict kind of the fixture, counted by the store as the chain analysis lists them.
        const kinds = (await findChainVerdicts(storage, latentTenant, {})).map((v) => v.kind);
        expect(latent.chainsByKind).toEqual({ authenticates_as: 2, runs_as: 1, inbound_oauth: 1, partial: 2, latent: 1 });
        for (const [kind, n] of Object.entries(latent.chainsByKind)) expect(kinds.filter((k) => k === kind)).toHaveLength(n);
      });

      it('counts partial and inbound chains as the chain analysis finds them, now and as of an older sync', async () => {
        const tenantId = freshTenant('posture-partial');
        const graph = syntheticTenant({ nodes: 3_000, seed: 5, tenantId, connectorId: 'synthetic', syncId: 'syn-1', transformedAt: T1 });
        await applyGraph(storage, graph);
        // The next sync changes 5%: connections lose their credential hop, so some chains stop short.
        await applyGraph(storage, { ...mutateTenant(graph, 0.05, 9, 'syn-2'), transformedAt: T2 });
        await applyGraph(storage, { ...verdictTenant(tenantId), syncId: 'syn-verdicts', connectorId: 'verdicts', transformedAt: T3 });
        for (const asOf of [T1, T2, undefined]) {
          const counts = await posture(tenantId, T3, asOf);
          const partial = await findPartialPaths(storage, tenantId, asOf ? { asOf } : {});
          const entry = partial.filter((p) => isEntryPoint(p.path.startNode)).length;
          const all = await findPathsToIdentities(storage, tenantId, { limit: 100_000, ...(asOf ? { asOf } : {}) });
          const latentToIdentity = all.filter((p) => !isEntryPoint(p.startNode)).length;
          expect({ asOf, partial: counts.chainsByKind.partial, latent: counts.chainsByKind.latent, inbound: counts.chainsByKind.inbound_oauth }).toEqual({
            asOf,
            partial: entry,
            latent: latentToIdentity + partial.length - entry,
            inbound: (await findInboundPaths(storage, tenantId, asOf ? { asOf } : {})).length,
          });
          if (!asOf) expect(entry).toBeGreaterThan(2);
        }
      });

      it('lists credentials on a chain as expiring, then expired, as the sample history goes', async () => {
        const tenantId = freshTenant('posture');
        await loadSampleHistory(storage, tenantId);
        const profile = { nodeId: SAMPLE_IDS.oauthProfile, chains: 2, expiresAt: '2026-02-01T00:00:00Z' };
        const sync2 = await posture(tenantId, '2026-01-22T06:00:00.000Z', '2026-01-22T06:00:00.000Z');
        expect(sync2.credentialsExpiring).toEqual({ count: 1, top: [profile] });
        expect(sync2.credentialsExpired).toEqual({ count: 0, top: [] });
        const sync3 = await posture(tenantId, '2026-02-05T06:00:00.000Z');
        expect(sync3.credentialsExpired).toEqual({ count: 1, top: [profile] });
        expect(sync3.credentialsExpiring).toEqual({ count: 0, top: [] });
        // The new Entra secret expires in 2027 and no chain uses it yet: in neither list.
        const later = await posture(tenantId, '2027-01-20T00:00:00.000Z');
        expect(later.credentialsExpiring.top.map((c) => c.nodeId)).toEqual([]);
        expect(later.credentialsExpired.count).toBe(1);
      });

      it('counts chains through nodes of any type, as the chain analysis does, now and as of an older sync', async () => {
        // Chain hops are edge types, not node types: hops through a resource or a permission count
        // as any other (a store reading the walk's usual node types at once reads these one by one).
        const tenantId = freshTenant('posture-odd-types');
        const graph = syntheticTenant({ nodes: 1_500, seed: 11, tenantId, connectorId: 'synthetic', syncId: 'odd-1', transformedAt: T1 });
        const ofType = (t: string) => graph.nodes.filter((n) => n.nodeType === t);
        const [automations, resources, permissions, credentials, identities] = ['automation', 'resource', 'permission', 'credential', 'identity'].map(ofType);
        const edge = (edgeType: EdgeType, from: NormalizedNode, to: NormalizedNode): NormalizedEdge => ({
          edgeId: makeEdgeId(edgeType, from.nodeId, to.nodeId),
          edgeType,
          sourceNodeId: from.nodeId,
          targetNodeId: to.nodeId,
          properties: {},
        });
        const odd = automations!.slice(0, 12).flatMap((a, i) => [
          edge('CALLS', a, resources![i]!),
          edge('AUTHENTICATES_AS', resources![i]!, identities![i]!),
          edge('INVOKES', a, permissions![i]!),
          edge('USES', permissions![i]!, credentials![i]!),
        ]);
        const ids = new Set(graph.edges.map((e) => e.edgeId));
        await applyGraph(storage, { ...graph, edges: [...graph.edges, ...odd.filter((e) => !ids.has(e.edgeId))] });
        await applyGraph(storage, { ...graph, syncId: 'odd-2', transformedAt: T2 });
        const analysed = async (asOf?: string) => {
          const all = await findPathsToIdentities(storage, tenantId, { limit: 100_000, ...(asOf ? { asOf } : {}) });
          const partial = await findPartialPaths(storage, tenantId, asOf ? { asOf } : {});
          const entry = all.filter((p) => isEntryPoint(p.startNode));
          const runsAs = entry.filter((c) => c.edges.at(-1)!.edgeType === 'RUNS_AS').length;
          const partialEntry = partial.filter((p) => isEntryPoint(p.path.startNode)).length;
          const odd = entry.filter((c) => c.nodes.some((n) => n.nodeType === 'resource' || n.nodeType === 'permission')).length;
          return { odd, chainsByKind: { authenticates_as: entry.length - runsAs, runs_as: runsAs, inbound_oauth: 0, partial: partialEntry, latent: all.length - entry.length + partial.length - partialEntry } };
        };
        const atOdd = await analysed(T1);
        expect(atOdd.odd).toBeGreaterThan(5);
        expect((await posture(tenantId, T3, T1)).chainsByKind).toEqual(atOdd.chainsByKind);
        const now = await analysed();
        expect(now.odd).toBe(0);
        expect((await posture(tenantId, T3)).chainsByKind).toEqual(now.chainsByKind);
      });

      it('agrees with the chains listed one by one on a synthetic tenant', async () => {
        const tenantId = freshTenant('posture-synthetic');
        const graph = syntheticTenant({ nodes: 1_500, seed: 5, tenantId, connectorId: 'synthetic', syncId: 'syn-1' });
        await applyGraph(storage, graph);
        const now = '2026-06-01T00:00:00.000Z';
        const counts = await posture(tenantId, now, undefined, 100);
        const all = await findPathsToIdentities(storage, tenantId, { limit: 100_000 });
        const chains = all.filter((p) => isEntryPoint(p.startNode));
        expect(chains.length).toBeGreaterThan(20);
        expect(all.length).toBeGreaterThan(chains.length);
        const runsAs = chains.filter((c) => c.edges.at(-1)!.edgeType === 'RUNS_AS').length;
        // (Every connection of an unchanged synthetic tenant uses a credential: no partial chains here.)
        expect(counts.chainsByKind).toEqual({ authenticates_as: chains.length - runsAs, runs_as: runsAs, inbound_oauth: 0, partial: 0, latent: all.length - chains.length });
        const byIdentity = new Map<string, number>();
        const byCredential = new Map<string, number>();
        for (const c of chains) {
          byIdentity.set(c.endNode.nodeId, (byIdentity.get(c.endNode.nodeId) ?? 0) + 1);
          const last = c.edges.at(-1)!;
          if (last.edgeType === 'AUTHENTICATES_AS') byCredential.set(last.sourceNodeId, (byCredential.get(last.sourceNodeId) ?? 0) + 1);
        }
        const privileged: string[] = [];
        for (const id of byIdentity.keys()) {
          const roles = (await storage.getEdgesForNode(tenantId, id, 'outgoing')).filter((e) => e.edgeType === 'HAS_ROLE' || e.edgeType === 'MEMBER_OF');
          const nodes = await storage.getNodes(tenantId, roles.map((e) => e.targetNodeId));
          if (nodes.some((n) => n?.nodeType === 'role' && n.properties.isPrivileged)) privileged.push(id);
        }
        expect(counts.privilegedReachable.count).toBe(privileged.length);
        expect(counts.privilegedReachable.top.map((e) => e.chains)).toEqual(counts.privilegedReachable.top.map((e) => byIdentity.get(e.nodeId)));
        const credentials = (await storage.getNodes(tenantId, [...byCredential.keys()])).filter((n) => n?.nodeType === 'credential');
        const expired = credentials.filter((c) => c!.properties.expiresAt && c!.properties.expiresAt < now);
        expect(expired.length).toBeGreaterThan(0);
        expect(counts.credentialsExpired.count).toBe(expired.length);
        expect(counts.credentialsExpiring.count).toBe(
          credentials.filter((c) => c!.properties.expiresAt && c!.properties.expiresAt >= now && c!.properties.expiresAt < '2026-07-01T00:00:00.000Z').length,
        );
        const soonest = counts.credentialsExpired.top.map((e) => e.expiresAt!);
        expect(soonest).toEqual([...soonest].sort());
        expect(counts.credentialsExpired.top.every((e) => e.chains === byCredential.get(e.nodeId))).toBe(true);
      });
    });

    describe('outbox and leases', () => {
      const outboxRow = (tenantId: string, batchId: string, position: number, createdAt = '2026-01-15T06:00:00.000Z'): OutboxMessage => ({
        outboxId: `${tenantId}-${batchId}-${position}`,
        tenantId,
        topic: 'authgraph.graph.events',
        key: `${tenantId}|entity-${position % 3}`,
        payload: JSON.stringify({ position }),
        headers: { 'x-event-id': `${batchId}-${position}` },
        createdAt,
        batchId,
        position,
      });

      it('commits outbox rows with the sync and hands them out in order until marked sent', async () => {
        const tenantId = freshTenant();
        const graph = sampleTenant(tenantId);
        const { result, changes } = diffGraphs({ nodes: [], edges: [] }, graph);
        const rows = [2, 0, 1].map((p) => outboxRow(tenantId, 'batch-a', p));
        const syncState: SyncState = { syncId: graph.syncId, tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: graph.transformedAt, errors: [] };
        await storage.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, outbox: rows });
        const mine = (await storage.pendingOutbox(10_000, tenantId));
        expect(mine.map((m) => m.position)).toEqual([0, 1, 2]);
        expect(mine[0]).toEqual(rows[1]);
        await storage.markOutboxSent([rows[1]!], '2026-01-15T06:00:01.000Z');
        const after = (await storage.pendingOutbox(10_000, tenantId));
        expect(after.map((m) => m.position)).toEqual([1, 2]);
        // Re-writing the same rows neither duplicates nor un-sends them.
        await storage.enqueueOutbox(tenantId, rows);
        expect((await storage.pendingOutbox(10_000, tenantId))).toHaveLength(2);
        const stats = await storage.outboxStats();
        expect(stats.sent).toBeGreaterThanOrEqual(1);
        expect(stats.pending).toBeGreaterThanOrEqual(2);
      });

      it("publishes a commit's events from their own rows: in order, before its messages, until marked sent", async () => {
        const tenantId = freshTenant();
        const graph = sampleTenant(tenantId);
        const { result, changes } = diffGraphs({ nodes: [], edges: [] }, graph);
        const syncState: SyncState = { syncId: graph.syncId, tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: graph.transformedAt, errors: [] };
        const createdAt = '2026-01-15T06:00:05.000Z';
        const notice = { ...outboxRow(tenantId, graph.syncId, result.events.length, createdAt), topic: 'authgraph.syncs.completed' };
        await storage.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, publishEvents: { createdAt }, outbox: [notice] });

        const pending = await storage.pendingOutbox(10_000, tenantId);
        expect(result.events.length).toBeGreaterThan(5);
        expect(pending.slice(0, -1)).toEqual(
          result.events.map((event, position) => ({ kind: 'graph_event', outboxId: event.eventId, tenantId, createdAt, batchId: graph.syncId, position, event })),
        );
        expect(pending.at(-1)).toEqual(notice);
        // The relay marks events and messages alike by id; the rest stay pending, in order.
        const sent = [pending[0]!, pending[3]!, pending.at(-1)!];
        await storage.markOutboxSent(sent, '2026-01-15T06:00:06.000Z');
        expect((await storage.pendingOutbox(10_000, tenantId)).map((m) => m.outboxId)).toEqual(pending.filter((m) => !sent.includes(m)).map((m) => m.outboxId));
        expect((await storage.pendingOutbox(2, tenantId)).map((m) => m.outboxId)).toEqual([pending[1]!.outboxId, pending[2]!.outboxId]);
        // Listing by topic shows prepared messages only; the events are read as events.
        expect((await storage.listOutbox(tenantId, { topic: notice.topic, limit: 10 })).map((m) => m.outboxId)).toEqual([notice.outboxId]);
        expect(await storage.listOutbox(tenantId, { topic: 'authgraph.graph.events', limit: 10 })).toEqual([]);
        expect((await storage.outboxStats()).sent).toBeGreaterThanOrEqual(3);

        // A commit that does not publish its events leaves none pending.
        const quiet = freshTenant();
        const other = sampleTenant(quiet);
        const diffed = diffGraphs({ nodes: [], edges: [] }, other);
        await storage.commitSync(quiet, { connectorId: other.connectorId, changes: diffed.changes, events: diffed.result.events, syncState: { ...syncState, tenantId: quiet } });
        expect(await storage.pendingOutbox(10_000, quiet)).toEqual([]);
        expect((await storage.queryEvents(quiet, { limit: 1000 })).length).toBe(diffed.result.events.length);
      });

      it('orders the outbox by time, then batch, then position, across enqueues', async () => {
        const tenantId = freshTenant();
        await storage.enqueueOutbox(tenantId, [outboxRow(tenantId, 'b2', 0, '2026-01-02T00:00:00.000Z'), outboxRow(tenantId, 'b1', 1, '2026-01-01T00:00:00.000Z')]);
        await storage.enqueueOutbox(tenantId, [outboxRow(tenantId, 'b1', 0, '2026-01-01T00:00:00.000Z')]);
        const mine = (await storage.pendingOutbox(10_000, tenantId));
        expect(mine.map((m) => `${m.batchId}:${m.position}`)).toEqual(['b1:0', 'b1:1', 'b2:0']);
      });

      it('lists one tenant\'s rows of one topic, sent or not, newest first, page by page', async () => {
        const tenantId = freshTenant();
        const other = freshTenant();
        const audit = (id: string, createdAt: string, tenant = tenantId): OutboxMessage => ({ ...outboxRow(tenant, 'audit', 0, createdAt), outboxId: `${tenant}-${id}`, topic: 'authgraph.audit.all', key: tenant });
        await storage.enqueueOutbox(tenantId, [audit('a', '2026-01-01T00:00:00.000Z'), audit('c', '2026-01-03T00:00:00.000Z'), audit('b', '2026-01-02T00:00:00.000Z'), outboxRow(tenantId, 'sync', 0)]);
        await storage.enqueueOutbox(other, [audit('x', '2026-01-05T00:00:00.000Z', other)]);
        await storage.markOutboxSent([{ tenantId, outboxId: `${tenantId}-c`, batchId: 'audit' }], '2026-01-04T00:00:00.000Z');
        const first = await storage.listOutbox(tenantId, { topic: 'authgraph.audit.all', limit: 2 });
        expect(first.map((m) => m.outboxId)).toEqual([`${tenantId}-c`, `${tenantId}-b`]);
        expect(first[0]!.sentAt).toBe('2026-01-04T00:00:00.000Z');
        expect(first[1]!.sentAt).toBeUndefined();
        const last = first.at(-1)!;
        const next = await storage.listOutbox(tenantId, { topic: 'authgraph.audit.all', limit: 2, before: { createdAt: last.createdAt, outboxId: last.outboxId } });
        expect(next.map((m) => m.outboxId)).toEqual([`${tenantId}-a`]);
        expect(next[0]).toEqual(audit('a', '2026-01-01T00:00:00.000Z'));
      });

      it('grants a lease to one owner at a time until it expires or is released', async () => {
        const key = `lease-${freshTenant()}`;
        expect(await storage.tryAcquireLease(key, 'a', 60_000)).toBe(true);
        expect(await storage.tryAcquireLease(key, 'b', 60_000)).toBe(false);
        expect(await storage.tryAcquireLease(key, 'a', 60_000)).toBe(true);
        await storage.releaseLease(key, 'b');
        expect(await storage.tryAcquireLease(key, 'b', 60_000)).toBe(false);
        await storage.releaseLease(key, 'a');
        expect(await storage.tryAcquireLease(key, 'b', 1)).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
        expect(await storage.tryAcquireLease(key, 'c', 60_000)).toBe(true);
      });
    });

    describe('tenant isolation', () => {
      it('never shows one tenant’s data to another', async () => {
        const { tenantId: a, graph } = await loadSample();
        const b = freshTenant('other');
        expect(await storage.getNode(b, SAMPLE_IDS.graphPrincipal)).toBeNull();
        expect(await storage.getNodesByType(b, 'identity')).toEqual([]);
        expect(await storage.getEdgesForNode(b, SAMPLE_IDS.scriptInclude, 'both')).toEqual([]);
        expect(await findExecutionChains(storage, b, { to: SAMPLE_IDS.graphPrincipal })).toEqual([]);
        expect(await storage.queryEvents(b, {})).toEqual([]);
        expect(await storage.listSyncStates(b)).toEqual([]);
        expect((await storage.getGraphForConnector(b, graph.connectorId)).nodes).toEqual([]);
        expect((await storage.listNodes(b, { first: 10 })).nodes).toEqual([]);
        // Writing the same ids under B leaves A untouched.
        await applyGraph(storage, { ...graph, tenantId: b, nodes: graph.nodes.map((n) => ({ ...n, displayName: 'B' })) });
        expect((await storage.getNode(a, SAMPLE_IDS.graphPrincipal))?.displayName).toBe('SN-Graph-Integration');
        expect((await storage.getNode(b, SAMPLE_IDS.graphPrincipal))?.displayName).toBe('B');
      });
    });
  });
}

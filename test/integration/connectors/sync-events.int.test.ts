import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { DiffResult, NormalizedGraph } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { runScenario } from '../../support/connectors-harness.ts';

// Scenario graphs through the real diff and store: which events each scenario produces after a
// happy-path baseline, and that empty or partial extractions never delete what they didn't see.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

type Pair = { entra?: string; servicenow?: string };
async function syncSequence(first: Pair, second: Pair, policy = {}): Promise<{ storage: MemoryStorageAdapter; before: DiffResult[]; after: DiffResult[]; graphs: NormalizedGraph[] }> {
  const storage = MemoryStorageAdapter.create();
  const baseline = await runScenario(server, first, policy, 'sync-1');
  const before = [];
  for (const g of baseline.graphs) before.push(await applyGraph(storage, g));
  const next = await runScenario(server, second, policy, 'sync-2');
  const after = [];
  for (const g of next.graphs) after.push(await applyGraph(storage, g));
  return { storage, before, after, graphs: next.graphs };
}
const total = (results: DiffResult[], key: 'nodesDeleted' | 'edgesRemoved' | 'nodesCreated' | 'edgesCreated') => results.reduce((n, r) => n + r[key], 0);

describe('scenario syncs after a happy-path baseline', () => {
  it('syncing the same tenant again produces no events', async () => {
    const { before, after } = await syncSequence({ entra: 'happy-path', servicenow: 'happy-path' }, { entra: 'happy-path', servicenow: 'happy-path' });
    expect(total(before, 'nodesCreated')).toBe(28 + 45); // Entra 28 (3 federated credentials) + ServiceNow 45
    expect(after.flatMap((r) => r.events)).toEqual([]);
  });

  it('empty response: nothing is deleted', async () => {
    const { storage, after } = await syncSequence({ entra: 'happy-path', servicenow: 'happy-path' }, { entra: 'empty-response', servicenow: 'empty-response' });
    expect(total(after, 'nodesDeleted')).toBe(0);
    expect(total(after, 'edgesRemoved')).toBe(0);
    expect(after.flatMap((r) => r.events).filter((e) => e.eventType === 'deleted')).toEqual([]);
    expect((await storage.getNodesByType('acme', 'identity')).length).toBe(6 + 3);
    expect((await storage.getNodesByType('acme', 'automation')).length).toBe(8);
  });

  it('partial failure: types whose tables failed keep their nodes and edges', async () => {
    const { storage, after } = await syncSequence(
      { entra: 'happy-path', servicenow: 'happy-path' },
      { entra: 'partial-failure', servicenow: 'partial-failure' },
      { maxRetries: 1, backoffMs: 5 },
    );
    const deleted = after.flatMap((r) => r.events).filter((e) => e.eventType === 'deleted');
    expect(deleted).toEqual([]);
    expect((await storage.getNodesByType('acme', 'automation')).map((n) => n.displayName)).toContain('EntraDirectorySync');
    expect((await storage.getNodesByType('acme', 'role')).map((n) => n.displayName)).toContain('Global Administrator');
    const removed = after.flatMap((r) => r.events).filter((e) => e.eventType === 'relationship_removed');
    expect(removed.map((e) => e.relationshipType)).not.toContain('INVOKES');
    expect(removed.map((e) => e.relationshipType)).not.toContain('HAS_ROLE');
  });

  it('orphaned owner: the people and the principals they owned change, with before/after', async () => {
    const { after } = await syncSequence({ entra: 'happy-path', servicenow: 'happy-path' }, { entra: 'orphaned-owner', servicenow: 'orphaned-owner' });
    const updates = after.flatMap((r) => r.events).filter((e) => e.eventType === 'updated');
    const workday = updates.find((e) => e.entityId.endsWith('7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f'));
    expect(workday?.changedProperties).toEqual(expect.arrayContaining(['properties.ownershipState']));
    expect((workday?.beforeState?.properties as Record<string, unknown>).ownershipState).toBe('owned');
    expect((workday?.afterState?.properties as Record<string, unknown>).ownershipState).toBe('orphaned');
    const svc = updates.find((e) => e.entityId.endsWith('sys_user/a1e5b7c90f1a4b2c8d3e4f5a6b7c8d01'));
    expect((svc?.afterState?.properties as Record<string, unknown>).ownershipState).toBe('orphaned');
    expect(after.flatMap((r) => r.entitiesToEvaluate)).toEqual(expect.arrayContaining([workday?.entityId, svc?.entityId]));
  });

  it('scope drift: new grants and role assignments are relationship_added events', async () => {
    const { after } = await syncSequence({ entra: 'happy-path', servicenow: 'happy-path' }, { entra: 'scope-drift', servicenow: 'scope-drift' });
    const added = after.flatMap((r) => r.events).filter((e) => e.eventType === 'relationship_added');
    expect(added.map((e) => e.relationshipType).sort()).toEqual(['GRANTS', 'GRANTS', 'HAS_ROLE', 'HAS_ROLE', 'HAS_ROLE']);
    expect(added.filter((e) => e.relationshipType === 'GRANTS').every((e) => e.entityId.endsWith('9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b'))).toBe(true);
  });

  it('credential expiry: status changes to expired are updates', async () => {
    const { after } = await syncSequence({ entra: 'happy-path', servicenow: 'happy-path' }, { entra: 'credential-expiry', servicenow: 'credential-expiry' });
    const events = after.flatMap((r) => r.events);
    const statusChanges = events.filter((e) => e.eventType === 'updated' && e.entityType === 'credential' && (e.afterState as { status?: string } | null)?.status === 'expired');
    expect(statusChanges.map((e) => e.entityId.split(':').pop()).sort()).toEqual([
      '0f1a2b3c-4d5e-4f6a-8b7c-8d9e0f1a2b3c/credentials/d0b4f3a1-4444-4d5e-8f6a-8b9c0d1e2f3a',
      'sys_certificate/c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f1',
    ]);
    expect(events.filter((e) => e.eventType === 'created' && e.entityType === 'credential')).toHaveLength(2); // two new certificates
  });
});

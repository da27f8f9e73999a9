// A published graph event is stored once on Neo4j: its Event node is its own outbox row (Outbox
// and, until sent, PendingOutbox labels; rows.ts eventRow), not an Event plus an Outbox node with
// a copy of it. Outbox rows stored the earlier way (an entry's JSON on an Outbox node of its own)
// are still handed out and marked sent, and a replayed sync publishes nothing twice.

import neo4jDriver from 'neo4j-driver';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGraphs } from '../../src/diff/index.ts';
import type { SyncState } from '../../src/model/index.ts';
import { committedOutbox } from '../../src/storage/committed-outbox.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { outboxRow } from '../../src/storage/neo4j/rows.ts';
import { sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

const AT = '2026-02-01T00:00:00.000Z';

describe('Neo4j published events', () => {
  let storage: Neo4jStorageAdapter;
  let driver: Driver;
  const tenants: string[] = [];
  const fresh = (name: string) => {
    const id = uniqueTenant(name);
    tenants.push(id);
    return id;
  };
  const count = async (query: string, tenantId: string) => {
    const session = driver.session();
    try {
      return Number((await session.run(query, { tenantId })).records[0]!.get('n'));
    } finally {
      await session.close();
    }
  };
  const syncState = (tenantId: string, syncId: string, connectorId: string): SyncState => ({
    syncId,
    tenantId,
    connectorId,
    mode: 'full',
    status: 'completed',
    startedAt: AT,
    completedAt: AT,
    errors: [],
  });

  beforeAll(async () => {
    storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
    driver = neo4jDriver.driver(neo4jUri(), undefined, { disableLosslessIntegers: true });
  });
  afterAll(async () => {
    for (const t of tenants) await storage.purgeTenant(t);
    await storage.close();
    await driver.close();
  });

  it('stores each published event as one node that is its own outbox row, pending until sent', async () => {
    const tenantId = fresh('event-outbox');
    const graph = sampleTenant(tenantId);
    const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
    const commit = {
      connectorId: graph.connectorId,
      changes,
      events: result.events,
      syncState: syncState(tenantId, graph.syncId, graph.connectorId),
      publishEvents: { createdAt: AT },
    };
    await storage.commitSync(tenantId, commit);

    expect(await count('MATCH (e:Event:Outbox:PendingOutbox {tenantId: $tenantId}) RETURN count(e) AS n', tenantId)).toBe(result.events.length);
    expect(await count('MATCH (m:Outbox {tenantId: $tenantId}) WHERE NOT m:Event RETURN count(m) AS n', tenantId)).toBe(0);
    const pending = await storage.pendingOutbox(1_000_000, tenantId);
    expect(pending).toEqual([...committedOutbox(commit)]);

    await storage.markOutboxSent(pending.slice(0, 2), AT);
    expect((await storage.pendingOutbox(1_000_000, tenantId)).map((m) => m.outboxId)).toEqual(pending.slice(2).map((m) => m.outboxId));
    expect(await count('MATCH (e:Event:PendingOutbox {tenantId: $tenantId}) RETURN count(e) AS n', tenantId)).toBe(result.events.length - 2);

    // The same sync committed again adds no event and publishes none again.
    await storage.commitSync(tenantId, commit);
    expect(await count('MATCH (e:Event {tenantId: $tenantId}) RETURN count(e) AS n', tenantId)).toBe(result.events.length);
    expect((await storage.pendingOutbox(1_000_000, tenantId)).map((m) => m.outboxId)).toEqual(pending.slice(2).map((m) => m.outboxId));
  });

  it('hands out and marks sent an event entry stored as an Outbox row of its own, and does not publish its event again', async () => {
    const tenantId = fresh('event-outbox-old');
    const graph = sampleTenant(tenantId);
    const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
    const commit = { connectorId: graph.connectorId, changes, events: result.events, syncState: syncState(tenantId, graph.syncId, graph.connectorId) };
    // The events without their entries, then the entries as the adapter wrote them before: a row each.
    await storage.commitSync(tenantId, commit);
    const entries = [...committedOutbox({ ...commit, publishEvents: { createdAt: AT } })];
    const session = driver.session();
    try {
      await session.run(
        `UNWIND $rows AS row
         CREATE (m:Outbox:PendingOutbox) SET m.tenantId = $tenantId, m.outboxId = row.outboxId, m.createdAt = row.createdAt,
           m.batchId = row.batchId, m.position = row.position, m.json = row.json`,
        { tenantId, rows: entries.map(outboxRow) },
      );
    } finally {
      await session.close();
    }
    expect(await storage.pendingOutbox(1_000_000, tenantId)).toEqual(entries);

    // Replayed with publishEvents: the events' entries exist as rows, so nothing is added.
    await storage.commitSync(tenantId, { ...commit, publishEvents: { createdAt: AT } });
    expect(await count('MATCH (m:Outbox {tenantId: $tenantId}) RETURN count(m) AS n', tenantId)).toBe(entries.length);
    await storage.markOutboxSent(entries, AT);
    expect(await storage.pendingOutbox(1_000_000, tenantId)).toEqual([]);
  });
});

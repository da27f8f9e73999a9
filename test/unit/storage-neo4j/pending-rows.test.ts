import { describe, expect, it } from 'vitest';
import { pendingOutboxEntry } from '../../../src/storage/neo4j/rows.ts';
import type { GraphEvent, OutboxMessage } from '../../../src/model/index.ts';

// The relay's rows (outbox/pending.cypher): a message row, an event that is its own row, and a
// row purged while it was read (its properties gone), which is skipped rather than handed on.

const fields = { outboxId: 'evt_1', createdAt: '2026-01-01T00:00:00.000Z', batchId: 'sync-1', position: 3 };
const event = { eventId: 'evt_1', tenantId: 't1', eventType: 'created' } as unknown as GraphEvent;
const message = {
  kind: 'message',
  outboxId: 'm1',
  tenantId: 't1',
  topic: 'authgraph.sync',
  createdAt: fields.createdAt,
  batchId: 'b',
  position: 0,
} as unknown as OutboxMessage;

describe('pendingOutboxEntry', () => {
  it('gives a message row back as stored', () => {
    expect(pendingOutboxEntry({ ...fields, json: JSON.stringify(message), event: false })).toEqual(message);
  });

  it('makes an event row its entry from the row fields', () => {
    expect(pendingOutboxEntry({ ...fields, json: JSON.stringify(event), event: true })).toEqual({ kind: 'graph_event', tenantId: 't1', event, ...fields });
  });

  it('skips a row whose properties went while it was read', () => {
    expect(pendingOutboxEntry({ ...fields, json: null, event: false })).toBeUndefined();
    expect(pendingOutboxEntry({ ...fields, json: null, event: true })).toBeUndefined();
  });
});

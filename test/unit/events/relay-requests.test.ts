import { describe, expect, it } from 'vitest';
import type { MessageSink } from '../../../src/events/kafka-sink.ts';
import { relayOutbox } from '../../../src/events/outbox-relay.ts';
import type { OutboxMessage } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';

// The relay wraps the next request's messages while the current one is in flight and marks the
// previous one's rows meanwhile (issue 17). Whatever the interleaving: requests reach the sink in
// outbox order, a row is marked sent only after its request was acknowledged, and a failed
// request leaves it and everything after it pending for the next run. The sink here records what
// it is given (Kafka itself is in test/integration/events and test/faults).

const MiB = 1024 * 1024;
const row = (position: number): OutboxMessage => ({
  outboxId: `m${String(position).padStart(3, '0')}`,
  tenantId: 't',
  topic: 'authgraph.test.relay',
  key: `t|e${position % 4}`,
  // About a third of a request each: several requests per batch read.
  payload: 'x'.repeat(1.3 * MiB),
  headers: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  batchId: 'b',
  position,
});

class RecordingSink implements MessageSink {
  readonly requests: string[][] = [];
  constructor(private readonly failAt = Infinity) {}
  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    await new Promise((r) => setTimeout(r, 5)); // the broker's round trip
    if (this.requests.length === this.failAt) throw new Error('broker went away');
    this.requests.push(messages.map((m) => m.outboxId));
  }
  async close(): Promise<void> {}
}

async function outbox(count: number) {
  const store = MemoryStorageAdapter.create();
  const rows = Array.from({ length: count }, (_, i) => row(i));
  await store.enqueueOutbox('t', rows);
  return { store, ids: rows.map((r) => r.outboxId) };
}

describe('relayOutbox requests', () => {
  it('sends every row once, in outbox order, across requests and batch reads, and marks them all sent', async () => {
    const { store, ids } = await outbox(20);
    const sink = new RecordingSink();
    expect(await relayOutbox(store, sink, { batchSize: 7 })).toEqual({ published: 20, ranAsLeader: true });
    expect(sink.requests.length).toBeGreaterThan(6);
    expect(sink.requests.flat()).toEqual(ids);
    expect(await store.outboxStats()).toEqual({ pending: 0, sent: 20 });
  });

  it('a failed request leaves its rows and every later one pending; the next run sends exactly those', async () => {
    const { store, ids } = await outbox(20);
    const failing = new RecordingSink(3);
    await expect(relayOutbox(store, failing, { batchSize: 7 })).rejects.toThrow('broker went away');
    const acknowledged = failing.requests.flat();
    expect(acknowledged).toEqual(ids.slice(0, acknowledged.length));
    expect(await store.outboxStats()).toEqual({ pending: 20 - acknowledged.length, sent: acknowledged.length });

    const sink = new RecordingSink();
    expect((await relayOutbox(store, sink, { batchSize: 7 })).published).toBe(20 - acknowledged.length);
    expect(sink.requests.flat()).toEqual(ids.slice(acknowledged.length));
  });
});

import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../../src/model/index.ts';
import { chunksByBytes } from '../../../src/events/request-chunks.ts';

const row = (position: number, payloadBytes: number): OutboxMessage => ({
  outboxId: `o${position}`,
  tenantId: 't',
  topic: 'authgraph.graph.events',
  key: `t|e${position % 3}`,
  payload: 'x'.repeat(payloadBytes),
  headers: { 'x-event-id': `o${position}` },
  createdAt: '2026-01-01T00:00:00.000Z',
  batchId: 'b',
  position,
});

describe('chunksByBytes', () => {
  it('keeps outbox order across requests and keeps each request under the byte budget', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i, 100 + (i % 7) * 50));
    const chunks = [...chunksByBytes(rows, 1_000)];
    expect(chunks.flat().map((m) => m.position)).toEqual(rows.map((m) => m.position));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      const bytes = chunk.reduce((sum, m) => sum + m.payload.length + m.key.length + 30, 0);
      expect(bytes).toBeLessThanOrEqual(1_000 + 64);
    }
  });

  it('sends a message larger than the budget alone rather than dropping or splitting it', () => {
    const chunks = [...chunksByBytes([row(0, 10), row(1, 5_000), row(2, 10)], 1_000)];
    expect(chunks.map((c) => c.map((m) => m.position))).toEqual([[0], [1], [2]]);
  });
});

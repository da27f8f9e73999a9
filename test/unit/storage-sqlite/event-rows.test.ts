import { describe, expect, it } from 'vitest';
import type { GraphEvent } from '../../../src/model/index.ts';
import { eventBody } from '../../../src/storage/sqlite/event-rows.ts';

const base = {
  eventId: 'evt_1',
  tenantId: 't',
  timestamp: '2026-01-01T00:00:00.000Z',
  sourceConnector: 'entra "prod"\\east',
  syncId: 's',
  sequence: 0,
  entityType: 'identity',
  entityId: 'entra:t:sp-1',
  eventType: 'created',
  beforeState: null,
  afterState: null,
} as unknown as GraphEvent;

describe('eventBody', () => {
  it('writes the after-row reference as JSON.stringify writes the same fields, with and without an edge id', () => {
    for (const event of [base, { ...base, eventType: 'relationship_added', edgeId: 'USES:ab"c\u2028' } as GraphEvent]) {
      const at = '2026-01-01T00:00:00.000Z';
      const body = eventBody(event, at);
      expect(body).toBe(JSON.stringify({ sourceConnector: event.sourceConnector, edgeId: event.edgeId, afterRow: at }));
      expect(JSON.parse(body)).toEqual({ sourceConnector: event.sourceConnector, ...(event.edgeId ? { edgeId: event.edgeId } : {}), afterRow: at });
      // Another connector and another time right after: nothing of the previous call is kept.
      const other = { ...event, sourceConnector: 'servicenow' };
      expect(eventBody(other, '2026-02-01T00:00:00.000Z')).toBe(
        JSON.stringify({ sourceConnector: 'servicenow', edgeId: event.edgeId, afterRow: '2026-02-01T00:00:00.000Z' }),
      );
    }
  });

  it('keeps the whole after-state when the event does not refer to a row', () => {
    const event = { ...base, afterState: { nodeId: 'n' } } as unknown as GraphEvent;
    expect(JSON.parse(eventBody(event))).toEqual({ sourceConnector: event.sourceConnector, beforeState: null, afterState: { nodeId: 'n' } });
  });
});

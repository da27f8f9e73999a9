import { describe, expect, it } from 'vitest';
import { Envelope } from '../../../src/events/envelope.ts';
import { isJsonObjectWithinDepth, parseEnvelope } from '../../../src/events/envelope-parse.ts';
import { outboxMessagesForSync } from '../../../src/events/outbox-messages.ts';
import { MAX_JSON_DEPTH } from '../../../src/model/index.ts';
import type { GraphEvent, JsonObject, SyncState } from '../../../src/model/index.ts';

const sync: SyncState = {
  syncId: 'sync-1',
  tenantId: 'acme',
  connectorId: 'entra_id',
  mode: 'full',
  status: 'completed',
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: '2026-01-01T00:01:00.000Z',
  errors: [],
};
const event: GraphEvent = {
  eventId: 'evt-1',
  tenantId: 'acme',
  timestamp: '2026-01-01T00:00:30.000Z',
  entityType: 'identity',
  entityId: 'entra_id:t:sp-1',
  eventType: 'updated',
  beforeState: { displayName: 'payroll', tags: ['a', 1, true, null], nested: { x: { y: [1.5, -2e3] } } },
  afterState: { displayName: 'payroll-sync', tags: [], nested: {} },
  changedProperties: ['displayName'],
  sourceConnector: 'entra_id',
  syncId: 'sync-1',
  sequence: 0,
};

/** A value nested `levels` deep: level 1 is the outer object or array. */
function nested(levels: number, array = false): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = array ? [v] : { d: v };
  return v;
}

/** Envelope.parse of the same text: its result or its error message. */
function reference(text: string): { data?: unknown; error?: string } {
  try {
    return { data: Envelope.parse(JSON.parse(text)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
function fast(text: string): { data?: unknown; error?: string } {
  try {
    return { data: parseEnvelope(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('parseEnvelope: the consumer’s envelope check (issue 17)', () => {
  const [graphMessage, completedMessage] = outboxMessagesForSync([event], sync, '2026-01-01T00:01:00.000Z');
  const graph = JSON.parse(graphMessage!.payload) as Record<string, unknown> & { event: Record<string, unknown> };
  const withState = (state: unknown, field: 'beforeState' | 'afterState' = 'afterState') =>
    JSON.stringify({ ...graph, event: { ...graph.event, [field]: state } });

  const cases: [string, string][] = [
    ['a graph event', graphMessage!.payload],
    ['a sync-completed notice', completedMessage!.payload],
    ['a state of null', withState(null)],
    ['a state at the depth limit', withState({ p: nested(MAX_JSON_DEPTH) })],
    ['a state one level too deep', withState({ p: nested(MAX_JSON_DEPTH + 1) })],
    ['arrays one level too deep', withState({ p: nested(MAX_JSON_DEPTH + 1, true) }, 'beforeState')],
    ['arrays at the limit', withState({ p: nested(MAX_JSON_DEPTH, true) }, 'beforeState')],
    ['an infinite number (1e999)', withState({ p: 1 }).replace('"p":1', '"p":1e999')],
    ['an infinite number deep inside', withState({ p: [{ q: 2 }] }).replace('"q":2', '"q":-1e999')],
    ['a state that is an array', withState([1, 2])],
    ['a state that is a string', withState('text')],
    ['a missing state', JSON.stringify({ ...graph, event: { ...graph.event, afterState: undefined } })],
    ['unknown fields (stripped)', JSON.stringify({ ...graph, extra: 1, event: { ...graph.event, extra: 2 } })],
    [
      'a version-1 event with its repeated fields',
      JSON.stringify({ ...graph, schemaVersion: 1, event: { ...graph.event, eventId: 'evt-1', tenantId: 'acme' } }),
    ],
    ['a bad occurredAt', JSON.stringify({ ...graph, occurredAt: 'yesterday' })],
    ['an unknown event type', JSON.stringify({ ...graph, event: { ...graph.event, eventType: 'renamed' } })],
    ['an empty event id', JSON.stringify({ ...graph, eventId: '' })],
    ['an unknown kind', JSON.stringify({ ...graph, kind: 'other' })],
    ['a future schema version', JSON.stringify({ ...graph, schemaVersion: 99 })],
    ['not an object', '[1,2]'],
    ['null', 'null'],
  ];

  it.each(cases)('%s: the same result or error as Envelope.parse', (_name, text) => {
    expect(fast(text)).toEqual(reference(text));
  });

  it('accepts what it should and refuses the rest (the cases above are not all refusals)', () => {
    const outcomes = cases.map(([, text]) => reference(text).error === undefined);
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(7);
    expect(outcomes.filter((ok) => !ok).length).toBeGreaterThanOrEqual(10);
  });

  it('the state walk alone agrees with the JsonObject limits', () => {
    expect(isJsonObjectWithinDepth({ p: nested(MAX_JSON_DEPTH) })).toBe(true);
    expect(isJsonObjectWithinDepth({ p: nested(MAX_JSON_DEPTH + 1) })).toBe(false);
    expect(isJsonObjectWithinDepth({ p: Number.NaN })).toBe(false);
    expect(isJsonObjectWithinDepth({ p: new Date() })).toBe(false);
    expect(isJsonObjectWithinDepth({ p: () => 1 })).toBe(false);
    expect(isJsonObjectWithinDepth(Object.create(null) as JsonObject)).toBe(true);
    expect(isJsonObjectWithinDepth([])).toBe(false);
    // Any depth, no stack overflow.
    expect(isJsonObjectWithinDepth({ p: nested(100_000) })).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventQuery, GraphEvent } from '../../../src/model/index.ts';
import { comparePositions, positionOf } from '../../../src/storage/event-order.ts';
import { scanOrderedEvents } from '../../../src/storage/memory/event-scan.ts';

// The ordered scan must page exactly like filtering and sorting the whole list.

const event = (ms: number, sync: string, sequence: number, entityId: string): GraphEvent =>
  ({ eventId: `${ms}-${sync}-${sequence}`, timestamp: new Date(ms).toISOString(), syncId: sync, sequence, entityId, tenantId: 't', entityType: 'identity', eventType: 'created' }) as unknown as GraphEvent;

function reference(events: GraphEvent[], q: EventQuery, after: ReturnType<typeof positionOf> | undefined, matches: (e: GraphEvent) => boolean) {
  const sign = q.orderBy === 'asc' ? 1 : -1;
  const since = q.since ? Date.parse(q.since) : -Infinity;
  const until = q.until ? Date.parse(q.until) : Infinity;
  const all = events
    .filter((e) => matches(e) && Date.parse(e.timestamp) >= since && Date.parse(e.timestamp) <= until && (!after || sign * comparePositions(positionOf(e), after) > 0))
    .sort((a, b) => sign * comparePositions(positionOf(a), positionOf(b)));
  return { page: all.slice(0, q.limit), more: all.length > q.limit };
}

describe('ordered event scan', () => {
  it('pages like a full filter and sort, both directions, with windows, cursors and filters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom('s1', 's2'), fc.integer({ min: 0, max: 5 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 60 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        fc.option(fc.integer({ min: 0, max: 20 })),
        fc.option(fc.integer({ min: 0, max: 20 })),
        fc.integer({ min: 1, max: 10 }),
        fc.option(fc.constantFrom('a', 'b')),
        fc.integer({ min: 0, max: 59 }),
        (raw, orderBy, since, until, limit, entity, cursorAt) => {
          const byId = new Map(raw.map(([ms, s, seq, id]) => [`${ms}-${s}-${seq}`, event(ms * 1000, s, seq, id)]));
          const events = [...byId.values()].sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
          const q = { orderBy, limit, ...(since !== null ? { since: new Date(since * 1000).toISOString() } : {}), ...(until !== null ? { until: new Date(until * 1000).toISOString() } : {}) } as EventQuery;
          const matches = (e: GraphEvent) => entity === null || e.entityId === entity;
          const after = events.length ? positionOf(events[cursorAt % events.length]!) : undefined;
          for (const cursor of [undefined, after]) {
            expect(scanOrderedEvents(events, q, cursor, matches)).toEqual(reference(events, q, cursor, matches));
          }
        },
      ),
    );
  });
});

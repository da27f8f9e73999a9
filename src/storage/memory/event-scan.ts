import type { EventQuery, GraphEvent } from '../../model/index.ts';
import { comparePositions, positionOf } from '../event-order.ts';
import type { EventPosition } from '../event-order.ts';

/**
 * One page of events from a list already in event order (event-order.ts), by binary search to the
 * cursor (or the window's edge) and a scan that stops once the page is full or the window is
 * passed: a page costs its own size, not a filter and sort of the tenant's whole history (which
 * held the event loop for most of a second per page on a 100k-node tenant).
 */
export function scanOrderedEvents(events: readonly GraphEvent[], q: EventQuery, after: EventPosition | undefined, matches: (e: GraphEvent) => boolean): { page: GraphEvent[]; more: boolean } {
  const since = q.since ? Date.parse(q.since) : undefined;
  const until = q.until ? Date.parse(q.until) : undefined;
  const asc = q.orderBy === 'asc';
  // First index whose position is after `p` (strictly, or not before it when `inclusive`).
  const firstAfter = (p: EventPosition, inclusive: boolean) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = comparePositions(positionOf(events[mid]!), p);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Event order is by time first, so times never decrease along the list: search by time alone.
  const firstAtOrAfterMs = (ms: number, inclusive: boolean) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = Date.parse(events[mid]!.timestamp);
      if (t < ms || (t === ms && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const page: GraphEvent[] = [];
  const want = q.limit + 1;
  if (asc) {
    let i = after ? firstAfter(after, false) : since !== undefined ? firstAtOrAfterMs(since, true) : 0;
    for (; i < events.length && page.length < want; i++) {
      const e = events[i]!;
      const ms = Date.parse(e.timestamp);
      if (until !== undefined && ms > until) break;
      if (since !== undefined && ms < since) continue;
      if (matches(e)) page.push(e);
    }
  } else {
    let i = (after ? firstAfter(after, true) : until !== undefined ? firstAtOrAfterMs(until, false) : events.length) - 1;
    for (; i >= 0 && page.length < want; i--) {
      const e = events[i]!;
      const ms = Date.parse(e.timestamp);
      if (since !== undefined && ms < since) break;
      if (until !== undefined && ms > until) continue;
      if (matches(e)) page.push(e);
    }
  }
  return { page: page.slice(0, q.limit), more: page.length > q.limit };
}

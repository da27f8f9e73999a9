import type { GraphEvent, NormalizedNode, SyncState } from '../model/index.ts';
import { comparePositions, positionOf } from '../storage/event-order.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import type { PackCompleteness, PackHistory, PackSync } from './pack.ts';

// What the tenant's syncs recorded about the entities of a pack: their events, which connectors
// wrote them, those connectors' evidence completeness and the sync records themselves.

const EVENT_PAGE = 10_000;
const SYNC_SCAN = 10_000;
const COMPLETE = new Set(['available', 'unavailable_not_applicable']);

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The moment a sync's data is valid from (as resolveAsOf reads it). */
export const syncTime = (s: SyncState): string => s.validAt ?? s.completedAt ?? s.startedAt;

const compareSyncs = (a: SyncState, b: SyncState) => Date.parse(syncTime(a)) - Date.parse(syncTime(b)) || cmp(a.syncId, b.syncId);

/** Every sync record of the tenant, oldest first; with `until`, only those valid at or before it. */
export async function syncsUntil(storage: StorageAdapter, tenantId: string, until: string | undefined): Promise<SyncState[]> {
  const all = await storage.listSyncStates(tenantId, { limit: SYNC_SCAN });
  const limit = until === undefined ? Infinity : Date.parse(until);
  return all.filter((s) => s.status !== 'running' && Date.parse(syncTime(s)) <= limit).sort(compareSyncs);
}

/** Each entity's events up to `until` (all of them without), oldest first, every page read. */
export async function historyOf(
  storage: StorageAdapter,
  tenantId: string,
  entityIds: readonly string[],
  until: string | undefined,
): Promise<PackHistory[]> {
  return Promise.all(
    entityIds.map(async (entityId) => {
      const events: GraphEvent[] = [];
      let after: string | undefined;
      do {
        const page = await storage.queryEventPage(tenantId, {
          entityId,
          limit: EVENT_PAGE,
          orderBy: 'asc',
          ...(until ? { until } : {}),
          ...(after ? { after } : {}),
        });
        events.push(...page.events);
        after = page.nextCursor;
      } while (after);
      events.sort((a, b) => comparePositions(positionOf(a), positionOf(b)) || cmp(a.eventId, b.eventId));
      return { entityId, events };
    }),
  );
}

/**
 * Connectors whose data is on the pack's chains: those whose events created or changed a node or
 * an edge of it, and those whose sync records name a node's source instance (sourceScope).
 */
export function connectorsOf(
  nodes: readonly NormalizedNode[],
  edgeIds: ReadonlySet<string>,
  history: readonly PackHistory[],
  syncs: readonly SyncState[],
): string[] {
  const nodeIds = new Set(nodes.map((n) => n.nodeId));
  const scopes = new Set(nodes.map((n) => n.sourceScope));
  const found = new Set<string>();
  for (const { events } of history) {
    for (const e of events) {
      if (e.edgeId ? edgeIds.has(e.edgeId) : nodeIds.has(e.entityId)) found.add(e.sourceConnector);
    }
  }
  for (const s of syncs) if (s.sourceScope && scopes.has(s.sourceScope)) found.add(s.connectorId);
  return [...found].sort(cmp);
}

/** Each connector's evidence completeness from its latest sync (of `syncs`) that carried a report. */
export function completenessOf(connectorIds: readonly string[], syncs: readonly SyncState[]): PackCompleteness[] {
  return connectorIds.map((connectorId) => {
    const latest = syncs.filter((s) => s.connectorId === connectorId && s.evidenceCompleteness).at(-1);
    if (!latest) return { connectorId, syncId: null, validAt: null, complete: null, sources: [] };
    const sources = Object.entries(latest.evidenceCompleteness!.sources)
      .sort(([a], [b]) => cmp(a, b))
      .map(([key, source]) => ({ key, ...source }));
    return {
      connectorId,
      syncId: latest.syncId,
      validAt: syncTime(latest),
      complete: sources.every((s) => COMPLETE.has(s.status)),
      sources,
    };
  });
}

/**
 * The sync records a reviewer needs: each involved connector's latest sync (and the one its
 * completeness report came from), and every sync that wrote an event in the history. Oldest first.
 */
export function syncRecordsOf(
  connectorIds: readonly string[],
  completeness: readonly PackCompleteness[],
  history: readonly PackHistory[],
  syncs: readonly SyncState[],
): PackSync[] {
  const wanted = new Set<string>();
  for (const c of connectorIds) {
    const latest = syncs.filter((s) => s.connectorId === c).at(-1);
    if (latest) wanted.add(latest.syncId);
  }
  for (const c of completeness) if (c.syncId) wanted.add(c.syncId);
  for (const { events } of history) for (const e of events) wanted.add(e.syncId);
  return syncs
    .filter((s) => wanted.has(s.syncId))
    .map(({ cursor: _cursor, deltaToken: _deltaToken, ...record }) => record);
}

import { IdentityNode, edgeContentHash, nodeContentHash } from '../../model/index.ts';
import { isEventOutboxEntry } from '../../model/index.ts';
import type { EventOutboxEntry, GraphEvent, NormalizedEdge, NormalizedNode, OutboxEntry, SyncState } from '../../model/index.ts';
import { FILTER_KEY } from '../node-filters.ts';

// Row ↔ model. The whole entity travels as JSON (`json`) so reads give back exactly what was
// written; the fields queries filter, sort or index on are copied out as real properties.

type Scalar = string | number | boolean;
export type Props = Record<string, Scalar | Scalar[] | null>;

/** Prefix of a node's `properties` fields stored as real properties (filters on them run in Cypher). */
export const PROPERTY_PREFIX = 'p_';
/** Names of `properties` fields whose value is JSON null (Neo4j cannot store a null property). */
export const NULL_PROPERTIES = 'nullProps';

/** The top-level node fields (nodeId, status …), from the model: a filter key names one of these first. */
export const NODE_TOP_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(IdentityNode.shape).filter((key) => key !== 'properties'),
);

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

export interface NodeRow {
  nodeId: string;
  props: Props;
}

export function nodeRow(tenantId: string, node: NormalizedNode): NodeRow {
  // Only live nodes carry a contentHash: the connector index then holds exactly the live graph.
  // A tombstone keeps its hash apart, for history alone (a new version only when content changes).
  const props: Props = { tenantId, json: JSON.stringify(node) };
  if (!node.deletedAt) props.contentHash = nodeContentHash(node);
  else props.tombstoneHash = nodeContentHash(node);
  const top = node as unknown as Record<string, unknown>;
  for (const key of NODE_TOP_FIELDS) if (isScalar(top[key])) props[key] = top[key];
  const nulls: string[] = [];
  for (const [key, value] of Object.entries(node.properties as Record<string, unknown>)) {
    if (!FILTER_KEY.test(key)) continue;
    if (isScalar(value)) props[`${PROPERTY_PREFIX}${key}`] = value;
    else if (value === null) nulls.push(key);
  }
  if (nulls.length) props[NULL_PROPERTIES] = nulls;
  return { nodeId: node.nodeId, props };
}

export interface EdgeRow {
  edgeId: string;
  sourceNodeId: string;
  targetNodeId: string;
  props: Props;
}

export function edgeRow(tenantId: string, edge: NormalizedEdge): EdgeRow {
  return {
    edgeId: edge.edgeId,
    sourceNodeId: edge.sourceNodeId,
    targetNodeId: edge.targetNodeId,
    props: { tenantId, edgeId: edge.edgeId, contentHash: edgeContentHash(edge), json: JSON.stringify(edge) },
  };
}

export interface EventRow {
  eventId: string;
  props: Props;
  /** The event's outbox fields when it is published (it is its own outbox row), else null. */
  outbox: { outboxId: string; createdAt: string; batchId: string; position: number; sentAt: string | null } | null;
}

/**
 * An event's row. A published event (`entry`, its EventOutboxEntry) is its own outbox row: the
 * Event node also carries the Outbox label and the entry's order fields (events/append.cypher),
 * not a second node holding a serialized copy of the event — about 0.2 s of a 100k-node 1%-change
 * sync's commit went to those copies.
 */
export function eventRow(tenantId: string, event: GraphEvent, entry?: EventOutboxEntry): EventRow {
  return {
    eventId: event.eventId,
    outbox: entry
      ? { outboxId: entry.outboxId, createdAt: entry.createdAt, batchId: entry.batchId, position: entry.position, sentAt: entry.sentAt ?? null }
      : null,
    props: {
      tenantId,
      eventId: event.eventId,
      ms: Date.parse(event.timestamp),
      timestamp: event.timestamp,
      syncId: event.syncId,
      sequence: event.sequence,
      entityId: event.entityId,
      entityType: event.entityType,
      eventType: event.eventType,
      // Stored as given: a value Neo4j cannot hold fails the write (and its transaction).
      relationshipType: (event.relationshipType ?? null) as Scalar | null,
      targetEntityId: event.targetEntityId ?? null,
      json: JSON.stringify(event),
    },
  };
}

export function syncParams(tenantId: string, state: SyncState) {
  return {
    tenantId,
    syncId: state.syncId,
    connectorId: state.connectorId,
    startedAt: state.startedAt,
    status: state.status,
    // What dataVersion compares: any record written or rewritten changes it.
    writtenAt: state.completedAt ?? state.startedAt,
    json: JSON.stringify(state),
  };
}

/**
 * A commit's events as rows, each published one with its outbox entry, and the outbox entries
 * left to store as Outbox rows of their own (messages, and an event entry whose event is not
 * among `events`).
 */
export function eventRows(tenantId: string, events: readonly GraphEvent[], outbox: Iterable<OutboxEntry>): { rows: EventRow[]; messages: OutboxEntry[] } {
  const published = new Map<string, EventOutboxEntry>();
  const messages: OutboxEntry[] = [];
  for (const entry of outbox) {
    if (isEventOutboxEntry(entry) && !published.has(entry.outboxId)) published.set(entry.outboxId, entry);
    else messages.push(entry);
  }
  const rows = events.map((event) => {
    const entry = published.get(event.eventId);
    if (entry?.event === event) published.delete(event.eventId);
    return eventRow(tenantId, event, entry?.event === event ? entry : undefined);
  });
  messages.unshift(...published.values());
  return { rows, messages };
}

/** A published event's outbox entry, from its Event node's fields (outbox/pending.cypher). */
export function eventOutboxEntry(json: string, fields: { outboxId: string; createdAt: string; batchId: string; position: number }): EventOutboxEntry {
  const event = parseEvent(json);
  return { kind: 'graph_event', outboxId: fields.outboxId, tenantId: event.tenantId, createdAt: fields.createdAt, batchId: fields.batchId, position: fields.position, event };
}

/** One row of outbox/pending.cypher. */
export interface PendingRow {
  json: string | null;
  event: boolean;
  outboxId: string;
  createdAt: string;
  batchId: string;
  position: number;
}

/**
 * The outbox entry of a pending row, or undefined for a row that went while it was read: the
 * relay reads every tenant's pending rows, read-committed, and a tenant purged meanwhile leaves
 * rows found by the index whose properties are gone (json null; the staged-commit test's
 * whole-store read met one beside other tests' clean-ups).
 */
export function pendingOutboxEntry(row: PendingRow): OutboxEntry | undefined {
  if (row.json === null) return undefined;
  if (!row.event) return parseOutbox(row.json);
  return eventOutboxEntry(row.json, { outboxId: row.outboxId, createdAt: row.createdAt, batchId: row.batchId, position: row.position });
}

/** A graph event's entry has no topic of its own (the relay gives it one): never listed by topic. */
export function outboxRow(message: OutboxEntry) {
  const { sentAt, ...unsent } = message;
  return {
    outboxId: message.outboxId,
    topic: 'topic' in message ? message.topic : null,
    createdAt: message.createdAt,
    batchId: message.batchId,
    position: message.position,
    sentAt: sentAt ?? null,
    json: JSON.stringify(unsent),
  };
}

export const parseNode = (json: string) => JSON.parse(json) as NormalizedNode;
export const parseEdge = (json: string) => JSON.parse(json) as NormalizedEdge;
export const parseEvent = (json: string) => JSON.parse(json) as GraphEvent;
export const parseSyncState = (json: string) => JSON.parse(json) as SyncState;
export const parseOutbox = (json: string) => JSON.parse(json) as OutboxEntry;

import type { OutboxEntry, SyncCommit } from '../model/index.ts';

/**
 * What a commit puts in the outbox, in publishing order: its events when it publishes them
 * (`publishEvents`: batch = the sync, position = the event's index), then its prepared messages.
 * For stores that keep outbox entries apart from events (memory, Neo4j); the SQLite store marks
 * the event rows themselves instead. Lazy, and walkable more than once (a store may retry).
 */
export function committedOutbox(commit: SyncCommit): Iterable<OutboxEntry> {
  return {
    *[Symbol.iterator]() {
      if (commit.publishEvents) {
        const { createdAt } = commit.publishEvents;
        const batchId = commit.syncState.syncId;
        for (let position = 0; position < commit.events.length; position++) {
          const event = commit.events[position]!;
          yield { kind: 'graph_event', outboxId: event.eventId, tenantId: event.tenantId, createdAt, batchId, position, event };
        }
      }
      yield* commit.outbox ?? [];
    },
  };
}

import type { OutboxMessage } from '../model/index.ts';

export interface OutboxKey {
  tenantId: string;
  outboxId: string;
}

/**
 * What the relay needs from storage. Not tenant-scoped: the relay is a system process that
 * drains every tenant's outbox; API callers never reach these methods.
 */
export interface OutboxStore {
  /** Unsent rows of every tenant, oldest first by (createdAt, batchId, position). */
  pendingOutbox(limit: number): Promise<OutboxMessage[]>;
  markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void>;
  /** Rows written outside a sync (e.g. drift findings); ids already present are ignored. */
  enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void>;
}

/** A lease held for ttlMs: one relay, one run of a connector instance, across processes. */
export interface LeaseStore {
  tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
}

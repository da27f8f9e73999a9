// Topic names follow authgraph.<domain>.<event-type> (DESIGN decision 6); a failed consumer
// message goes to authgraph.dlq.<original topic>.
export const TOPICS = {
  graphEvents: 'authgraph.graph.events',
  syncsCompleted: 'authgraph.syncs.completed',
  driftFindings: 'authgraph.drift.finding',
  /** The product's own audit trail (src/audit), keyed by tenant. */
  audit: 'authgraph.audit.all',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export function dlqTopic(topic: string): string {
  return `authgraph.dlq.${topic}`;
}

/** Headers a DLQ message carries so it can be inspected and replayed. */
export const DLQ_HEADERS = {
  originalTopic: 'x-original-topic',
  retryCount: 'x-retry-count',
  errorMessage: 'x-error-message',
} as const;

import type { ManagedTransaction, QueryResult } from 'neo4j-driver';
import type { Statement } from './statements.ts';

// A transaction's statements run on the server one after another, in the order they were sent,
// and the driver sends each RUN at once (Bolt pipelining): waiting for one answer before sending
// the next statement only adds a round trip and leaves the server idle while the client builds
// it. A 1%-change sync's commit is ~30 statements. Statements are sent together wherever the
// next one does not depend on an earlier one's answer.

/** Send every statement now; their results, in order, once all have answered. */
export function send(tx: ManagedTransaction, statements: readonly Statement[]): Promise<QueryResult[]> {
  // Promise.all subscribes to every result at once: a failing one rejects this promise, and no
  // later result is left with an unobserved rejection.
  return Promise.all(statements.map((s) => tx.run(s.text, s.params)));
}

import { Neo4jError } from 'neo4j-driver';
import { StorageError } from '../errors.ts';

type Code = StorageError['code'];

const MEMORY_LIMIT = 'Neo.TransientError.General.MemoryPoolOutOfMemoryError';

/** Transient to the driver, yet retrying the same work cannot succeed. */
export const notWorthRetrying = (error: unknown): boolean => error instanceof Neo4jError && error.code === MEMORY_LIMIT;

// Neo4j status codes (https://neo4j.com/docs/status-codes/) and the driver's own codes, mapped to
// the storage codes the sync engine and API act on. First match wins.
const RULES: [test: (code: string) => boolean, code: Code][] = [
  // One transaction larger than the server's transaction memory (dbms.memory.transaction.*):
  // "transient" to the driver, but the same transaction fails the same way every time.
  [(c) => c === MEMORY_LIMIT, 'INVALID_INPUT'],
  [(c) => c === 'ServiceUnavailable' || c === 'SessionExpired' || c === 'N/A', 'UNAVAILABLE'],
  [(c) => c.startsWith('Neo.TransientError.'), 'UNAVAILABLE'],
  [(c) => c.startsWith('Neo.ClientError.Transaction.TransactionTimedOut'), 'UNAVAILABLE'],
  [(c) => c === 'Neo.ClientError.Security.Unauthorized' || c === 'Neo.ClientError.Security.AuthenticationRateLimit', 'UNAVAILABLE'],
  [(c) => c === 'Neo.ClientError.Schema.ConstraintValidationFailed', 'CONFLICT'],
  // Values Neo4j cannot store or compare (a map as a property, a wrong type in a parameter):
  // the caller's data, not our statement.
  [(c) => c === 'Neo.ClientError.Statement.TypeError' || c === 'Neo.ClientError.Statement.ArgumentError', 'INVALID_INPUT'],
];

/** A driver or server error as a StorageError (the original kept as `cause`); others unchanged. */
export function toStorageError(error: unknown, operation: string): unknown {
  if (error instanceof StorageError || !(error instanceof Neo4jError)) return error;
  const code = RULES.find(([test]) => test(error.code))?.[1] ?? 'INTERNAL';
  const hint = error.code === MEMORY_LIMIT ? ' (one transaction exceeds the server\'s transaction memory: commit fewer changes at once, or raise dbms.memory.transaction.total.max)' : '';
  return new StorageError(`neo4j ${operation} failed (${error.code}): ${error.message}${hint}`, code, { cause: error });
}

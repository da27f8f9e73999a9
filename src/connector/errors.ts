// The connector error taxonomy (seed 003 "Error Handling"). Classes are internal; the `type` code
// is what leaves the process (sync records, API). The class of a type decides what the framework
// does: FATAL aborts the sync, RETRIABLE is retried with backoff, PARTIAL skips one entity or page
// and counts against maxPartialErrors.

export const CONNECTOR_ERROR_TYPES = [
  'AUTH_FAILURE',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  'TIMEOUT',
  'SERVER_ERROR',
  'ENTITY_NOT_FOUND',
  'PARSE_ERROR',
  'CONFIG_ERROR',
  'NETWORK_ERROR',
] as const;
export type ConnectorErrorType = (typeof CONNECTOR_ERROR_TYPES)[number];
export type ConnectorErrorClass = 'FATAL' | 'RETRIABLE' | 'PARTIAL';

export const ERROR_CLASS: Record<ConnectorErrorType, ConnectorErrorClass> = {
  AUTH_FAILURE: 'FATAL',
  PERMISSION_DENIED: 'FATAL',
  CONFIG_ERROR: 'FATAL',
  RATE_LIMITED: 'RETRIABLE',
  TIMEOUT: 'RETRIABLE',
  SERVER_ERROR: 'RETRIABLE',
  NETWORK_ERROR: 'RETRIABLE',
  ENTITY_NOT_FOUND: 'PARTIAL',
  PARSE_ERROR: 'PARTIAL',
};

export interface ConnectorErrorDetails {
  cause?: unknown;
  /** HTTP status when the error came from a response. */
  status?: number;
  /** Request URL without query secrets (we never put secrets in URLs). */
  url?: string;
  /** Server-requested wait (Retry-After), in ms. */
  retryAfterMs?: number;
  entitySourceId?: string;
  /** Response body excerpt, for source-specific interpretation (e.g. ServiceNow "Invalid table"). */
  bodyExcerpt?: string;
}

export abstract class ConnectorError extends Error {
  abstract readonly errorClass: ConnectorErrorClass;
  readonly status?: number;
  readonly url?: string;
  readonly retryAfterMs?: number;
  readonly entitySourceId?: string;
  readonly bodyExcerpt?: string;

  constructor(
    readonly type: ConnectorErrorType,
    message: string,
    details: ConnectorErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
    this.retryAfterMs = details.retryAfterMs;
    this.entitySourceId = details.entitySourceId;
    this.bodyExcerpt = details.bodyExcerpt;
  }

  get retryable(): boolean {
    return this.errorClass === 'RETRIABLE';
  }
}

export class FatalConnectorError extends ConnectorError {
  override readonly name = 'FatalConnectorError';
  readonly errorClass = 'FATAL' as const;
}

export class RetriableConnectorError extends ConnectorError {
  override readonly name = 'RetriableConnectorError';
  readonly errorClass = 'RETRIABLE' as const;
}

export class PartialConnectorError extends ConnectorError {
  override readonly name = 'PartialConnectorError';
  readonly errorClass = 'PARTIAL' as const;
}

/** More partial errors than the policy allows: the run can't be trusted, so it becomes fatal. */
export class PartialErrorLimitError extends FatalConnectorError {
  constructor(
    readonly limit: number,
    readonly errors: readonly ConnectorError[],
  ) {
    super(errors.at(-1)?.type ?? 'PARSE_ERROR', `more than ${limit} partial errors (maxPartialErrors); aborting`, {
      cause: errors.at(-1),
    });
  }
}

/** Builds the class that matches the type, so callers never pick the class by hand. */
export function connectorError(type: ConnectorErrorType, message: string, details?: ConnectorErrorDetails): ConnectorError {
  switch (ERROR_CLASS[type]) {
    case 'FATAL':
      return new FatalConnectorError(type, message, details);
    case 'RETRIABLE':
      return new RetriableConnectorError(type, message, details);
    case 'PARTIAL':
      return new PartialConnectorError(type, message, details);
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}

/** Ends exhaustive switches over unions: the compiler proves the default is unreachable. */
export class UnreachableCaseError extends Error {
  override readonly name = 'UnreachableCaseError';
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}

import { graphql } from './graphql.ts';
import type { GraphQLError as GraphQLErrorType, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { z } from 'zod';
import { ValidationError, issuesOf } from '../model/index.ts';
import type { ValidationIssue } from '../model/index.ts';
import { DeadlineExceededError } from '../runtime/cooperative.ts';
import { InvalidCursorError } from '../storage/event-order.ts';

const { GraphQLError } = graphql;

// The public error codes (extensions.code). Clients switch on these; nothing else leaves the API.
// Error classes stay internal: formatError maps whatever was thrown to one of these codes, and an
// error it does not recognise becomes INTERNAL_SERVER_ERROR with a fixed message, so a stack trace,
// a Cypher statement or a driver message never reaches a client.
export const API_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'QUERY_TOO_COMPLEX',
  'TIMEOUT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const HTTP_STATUS: Partial<Record<ApiErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 };

/** An error meant for the client: its message and code are public. */
export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
    this.name = 'ApiError';
  }

  get code(): ApiErrorCode {
    return this.extensions.code as ApiErrorCode;
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, issues?: ValidationIssue[]) =>
  new ApiError('BAD_USER_INPUT', message, issues ? { issues } : {});
export const timeoutError = (ms: number) => new ApiError('TIMEOUT', `the query did not finish within ${ms} ms`);

/** A zod failure at the resolver boundary, naming every bad argument by its path. */
export function inputError(error: z.ZodError, field: string): ApiError {
  const issues = issuesOf(error);
  return badInput(`invalid arguments to ${field}: ${issues.map((i) => `${i.path || '(arguments)'}: ${i.message}`).join('; ')}`, issues);
}

// Apollo's own request errors (parse, validation, bad variables, bad HTTP request) are all the
// caller's mistake.
const APOLLO_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
]);

const isApiCode = (code: unknown): code is ApiErrorCode => API_ERROR_CODES.includes(code as ApiErrorCode);

/**
 * Apollo's formatError: keep what we threw on purpose, name the caller's mistakes, mask the rest.
 * `log` receives the unknown errors so operators still see them in the server log.
 */
export function createFormatError(log: (error: unknown) => void = () => {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    // Our own errors, also when Apollo wrapped them (validation rules' errors arrive as originalError).
    const own = [original, (error as GraphQLErrorType | undefined)?.originalError].find(
      (e): e is GraphQLErrorType => e instanceof GraphQLError && isApiCode(e.extensions.code),
    );
    if (own) return { ...base, message: own.message, extensions: publicExtensions(own.extensions) };
    if (original instanceof ValidationError) {
      return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT', issues: original.issues } };
    }
    if (original instanceof DeadlineExceededError) return { ...base, message: `the query did not finish within ${original.ms} ms`, extensions: { code: 'TIMEOUT' } };
    if (original instanceof InvalidCursorError) return { ...base, message: 'invalid cursor', extensions: { code: 'BAD_USER_INPUT' } };
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_PARSE_FAILED' && /contains more th\w+ \d+ tokens/.test(formatted.message)) {
      return { ...base, extensions: { code: 'QUERY_TOO_COMPLEX' } };
    }
    if (typeof code === 'string' && APOLLO_INPUT_CODES.has(code)) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    log(original);
    return { message: 'internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function publicExtensions(extensions: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, stacktrace: _stacktrace, ...rest } = extensions;
  return rest;
}

import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_ERROR_TYPES,
  connectorError,
  ERROR_CLASS,
  FatalConnectorError,
  PartialConnectorError,
  PartialErrorLimitError,
  RetriableConnectorError,
} from '../../../src/connector/errors.ts';
import { ErrorLog } from '../../../src/connector/partial-errors.ts';
import { statusToErrorType } from '../../../src/connector/http-client.ts';

describe('connector error taxonomy', () => {
  it('classifies every type as the seed says', () => {
    expect(ERROR_CLASS).toEqual({
      AUTH_FAILURE: 'FATAL',
      PERMISSION_DENIED: 'FATAL',
      CONFIG_ERROR: 'FATAL',
      RATE_LIMITED: 'RETRIABLE',
      TIMEOUT: 'RETRIABLE',
      SERVER_ERROR: 'RETRIABLE',
      NETWORK_ERROR: 'RETRIABLE',
      ENTITY_NOT_FOUND: 'PARTIAL',
      PARSE_ERROR: 'PARTIAL',
    });
  });

  it('builds the class that matches the type, with name, type and cause', () => {
    const cause = new Error('socket hang up');
    for (const type of CONNECTOR_ERROR_TYPES) {
      const error = connectorError(type, `boom ${type}`, { cause, status: 500 });
      const expected = { FATAL: FatalConnectorError, RETRIABLE: RetriableConnectorError, PARTIAL: PartialConnectorError }[ERROR_CLASS[type]];
      expect(error).toBeInstanceOf(expected);
      expect(error.name).toBe(expected.name);
      expect(error.type).toBe(type);
      expect(error.cause).toBe(cause);
      expect(error.retryable).toBe(ERROR_CLASS[type] === 'RETRIABLE');
    }
  });

  it('maps HTTP statuses to types', () => {
    expect([401, 403, 404, 408, 429, 500, 502, 503, 504, 400].map(statusToErrorType)).toEqual([
      'AUTH_FAILURE',
      'PERMISSION_DENIED',
      'ENTITY_NOT_FOUND',
      'TIMEOUT',
      'RATE_LIMITED',
      'SERVER_ERROR',
      'SERVER_ERROR',
      'SERVER_ERROR',
      'TIMEOUT',
      'CONFIG_ERROR',
    ]);
  });

  it('turns partial errors into a fatal one past maxPartialErrors', () => {
    const log = new ErrorLog(2);
    log.record('read a', connectorError('ENTITY_NOT_FOUND', 'gone 1'));
    log.record('read b', connectorError('SERVER_ERROR', 'retries exhausted')); // not partial: not counted
    log.record('read c', connectorError('PARSE_ERROR', 'bad page'));
    expect(log.errors).toHaveLength(3);
    expect(() => log.record('read d', connectorError('PARSE_ERROR', 'bad page 2'))).toThrow(PartialErrorLimitError);
  });
});

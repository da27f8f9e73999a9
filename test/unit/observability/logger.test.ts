import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/model/index.ts';
import { capturedLogger } from '../../support/log-capture.ts';

describe('structured logs', () => {
  it('write JSON records whose secret-named fields are redacted, however deep', () => {
    const { log, records } = capturedLogger('info');
    const child = log.child({ tenantId: 'acme' });
    child.info({ connectorId: 'entra', clientSecret: 'hunter2', request: { headers: { authorization: 'Bearer abc' }, path: '/users' } }, 'calling the source');
    child.warn({ err: new Error('token endpoint said no') }, 'auth failed');
    const [first, second] = records();
    expect(first).toMatchObject({ level: 30, msg: 'calling the source', tenantId: 'acme', connectorId: 'entra', clientSecret: REDACTED });
    expect(first!.request).toEqual({ headers: { authorization: REDACTED }, path: '/users' });
    // Errors keep their message and stack (pino's serializer), not emptied by the redaction.
    expect(second!.err).toMatchObject({ type: 'Error', message: 'token endpoint said no' });
    expect(JSON.stringify(records())).not.toMatch(/hunter2|Bearer abc/);
  });

  it('respects the level, and pretty output carries the message without the secrets', () => {
    const quiet = capturedLogger('warn');
    quiet.log.info('not shown');
    quiet.log.debug('not shown either');
    quiet.log.error({ password: 'p@ss' }, 'shown');
    expect(quiet.records().map((r) => r.msg)).toEqual(['shown']);

    const pretty = capturedLogger('info', 'pretty');
    pretty.log.info({ tenantId: 'acme', password: 'p@ss' }, 'sync started');
    const text = pretty.lines.join('');
    expect(text).toContain('sync started');
    expect(text).toContain('acme');
    expect(text).not.toContain('p@ss');
    expect(() => JSON.parse(text)).toThrow();
  });
});

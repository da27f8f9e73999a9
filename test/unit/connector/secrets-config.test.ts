import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConnectorsConfig } from '../../../src/sync/connectors-config.ts';
import { FatalConnectorError } from '../../../src/connector/errors.ts';
import { resolveSecret, Secret } from '../../../src/connector/secrets.ts';
import { parseEntraConfig } from '../../../connectors/entra-id/config.ts';
import { parseServiceNowConfig } from '../../../connectors/servicenow/config.ts';
import { tempDir } from '../../support/temp-dir.ts';

const entra = (credentials: Record<string, unknown>, sourceConfig: Record<string, unknown> = {}) => ({
  tenantId: 't',
  connectorId: 'entra',
  syncMode: 'full' as const,
  timeout: 60,
  credentials: { type: 'oauth2_client_credentials' as const, directoryTenantId: '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77', clientId: 'e5f6a7b8-9c0d-4e1f-8a2b-3c4d5e6f7a8b', ...credentials },
  sourceConfig,
});

describe('secrets', () => {
  it('never prints a secret value', () => {
    const s = new Secret('hunter2-value');
    expect(String(s)).toBe('[REDACTED]');
    expect(JSON.stringify({ s })).toBe('{"s":"[REDACTED]"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2-value');
  });

  it('reads from the environment, with a message naming the variable when missing', () => {
    expect(resolveSecret({ env: 'X_SECRET' }, { env: { X_SECRET: 'v1' } }).reveal()).toBe('v1');
    expect(() => resolveSecret({ env: 'X_SECRET' }, { env: {} })).toThrow(/environment variable X_SECRET is not set/);
  });

  it('reads from a secrets file', () => {
    const dir = tempDir('ag-secrets-');
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ ENTRA: 'from-file' }));
    expect(resolveSecret({ key: 'ENTRA' }, { secretsFile: file }).reveal()).toBe('from-file');
    expect(() => resolveSecret({ file, key: 'NOPE' })).toThrow(/no string value for "NOPE"/);
  });
});

describe('connector config parsing', () => {
  it('rejects an inline client secret with a message that shows the fix', () => {
    const error = (() => {
      try {
        parseEntraConfig(entra({ clientSecret: 'abc' }));
      } catch (e) {
        return e as FatalConnectorError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FatalConnectorError);
    expect(error?.type).toBe('CONFIG_ERROR');
    expect(error?.message).toMatch(/credentials\.clientSecret: clientSecret must not be written inline.*"env": "ENTRA_CLIENT_SECRET"/);
    expect(error?.message).not.toContain('abc');
  });

  it('reports every bad field by path', () => {
    expect(() => parseEntraConfig(entra({ clientSecret: { env: 'E' }, clientId: 'not-a-guid' }, { pageSize: 5000, graphBaseUrl: 'ftp://x' }))).toThrow(
      /credentials\.clientId: must be a GUID[\s\S]*sourceConfig\.graphBaseUrl[\s\S]*sourceConfig\.pageSize/,
    );
  });

  it('applies defaults once parsed', () => {
    const settings = parseEntraConfig(entra({ clientSecret: { env: 'E' } }));
    expect(settings.sourceConfig).toMatchObject({ graphBaseUrl: 'https://graph.microsoft.com', graphApiVersion: 'v1.0', pageSize: 100, excludeFirstPartyApps: true });
  });

  it('ServiceNow needs an instance URL and a known credential type', () => {
    const base = { tenantId: 't', connectorId: 'sn', syncMode: 'full' as const, timeout: 60 };
    expect(() => parseServiceNowConfig({ ...base, credentials: { type: 'pat' }, sourceConfig: { instanceUrl: 'https://x.service-now.com' } })).toThrow(/credentials\.type must be "basic"/);
    expect(() => parseServiceNowConfig({ ...base, credentials: { type: 'basic', username: 'u', password: { env: 'P' } }, sourceConfig: {} })).toThrow(/sourceConfig\.instanceUrl/);
  });
});

describe('connectors config file', () => {
  const file = (credentials: Record<string, unknown>) =>
    JSON.stringify({ tenantId: 'acme', connectors: [{ connectorId: 'sn', type: 'servicenow', credentials, sourceConfig: { instanceUrl: '${BASE}/servicenow/happy-path' } }] });

  it('rejects inline secrets before any connector sees them', () => {
    expect(() => parseConnectorsConfig(file({ type: 'basic', username: 'u', password: 'pw' }), { BASE: 'http://h' })).toThrow(
      /connectors\[0\]\.credentials\.password: password is a secret and must not be written in the config file/,
    );
  });

  it('fills ${VARS} from the caller, never from the environment', () => {
    const parsed = parseConnectorsConfig(file({ type: 'basic', username: 'u', password: { env: 'SN_PW' } }), { BASE: 'http://127.0.0.1:1' });
    expect(parsed.connectors[0]?.sourceConfig.instanceUrl).toBe('http://127.0.0.1:1/servicenow/happy-path');
    process.env.BASE_FROM_ENV = 'x';
    expect(() => parseConnectorsConfig(file({ type: 'basic', username: 'u', password: { env: 'SN_PW' } }))).toThrow(/uses \$\{BASE\} but no value/);
  });

  it('names unknown connector types and duplicate ids', () => {
    const text = JSON.stringify({
      tenantId: 'acme',
      connectors: [
        { connectorId: 'a', type: 'okta', credentials: { type: 'x' } },
        { connectorId: 'a', type: 'servicenow', credentials: { type: 'basic' } },
      ],
    });
    expect(() => parseConnectorsConfig(text)).toThrow(/type must be one of: entra_id, servicenow/);
  });
});

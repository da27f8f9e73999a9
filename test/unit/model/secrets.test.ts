import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, REDACTED, findSecrets, findTooDeep, isSecretName, parseNormalizedGraph, redactSecrets, secretValueKind } from '../../../src/model/index.ts';
import { parseConnectorsConfig } from '../../../src/sync/connectors-config.ts';
import { sampleTenant } from '../../support/sample-tenant.ts';

// The one secret detector, both ways: what must be refused and what must pass.

const SECRET_NAMES = [
  'secret', 'Secret', 'SECRET', 'secrets', 'clientSecret', 'client_secret', 'CLIENT-SECRET', 'clientsecret',
  'password', 'Password', 'db_password', 'adminPassword', 'passwd', 'pwd', 'passphrase', 'keyPassphrase',
  'token', 'accessToken', 'access_token', 'refreshToken', 'id_token', 'sasToken', 'SAS_TOKEN', 'bearerToken', 'authToken',
  'apiKey', 'api_key', 'x-api-key', 'X-API-KEY', 'apikey', 'accessKey', 'AWS_SECRET_ACCESS_KEY', 'sharedAccessKey',
  'SharedAccessKey', 'privateKey', 'private_key', 'privateKeyPem', 'signingKey', 'storageAccountKey', 'secretValue',
  'secretText', 'hashedSecret', 'credential', 'credentials', 'credentialValue', 'connectionString', 'connection_string',
  'ConnectionString', 'authorization', 'Authorization', 'cookie', 'Cookie', 'sas', 'jwt', 'githubToken', 'pat.token',
];

const SAFE_NAMES = [
  'tokenEndpoint', 'token_endpoint', 'tokenUrl', 'token_url', 'keyId', 'key_id', 'KeyId', 'passwordLastSet',
  'password_last_set', 'credentialSubtype', 'credentialType', 'secretExpiresAt', 'secretExpiry', 'tokenLifetime',
  'keyType', 'keyUsage', 'customKeyIdentifier', 'key', 'keys', 'documentkey', 'publicKey', 'displayName', 'clientId',
  'client_id', 'authMethod', 'authentication_type', 'authorityUrl', 'appId', 'sourceId', 'secretary', 'tokenizerVersion',
  'passwordPolicy', 'passwordProfileVersion', 'secretName', 'secretRef', 'secretsFile', 'keyVaultUri', 'tokenIssuer',
  'credentialExpiresAt', 'connectionName', 'primaryKeyColumn', 'monkey', 'turnkeyProject', 'tokenType', 'accessTokenLifetime',
];

const SECRET_VALUES: [string, string][] = [
  ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'PEM private key'],
  ['-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----', 'PEM private key'],
  ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----', 'PEM private key'],
  ['-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJ\n-----END ENCRYPTED PRIVATE KEY-----', 'PEM private key'],
  ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'JWT'],
  ['Server=tcp:db.example.net,1433;Database=app;User ID=svc;Password=Sup3rS3cret!;Encrypt=True', 'connection string'],
  ['Data Source=db;Initial Catalog=x;User Id=sa;Pwd=hunter2', 'connection string'],
  ['DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXlteWtleW15a2V5;EndpointSuffix=core.windows.net', 'connection string'],
  ['Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abcDEF123456789=', 'connection string'],
  ['postgres://svc:s3cr3t@db.internal:5432/app', 'URL with a password'],
  ['https://acct.blob.core.windows.net/c/f?sv=2022-11-02&se=2026-01-01&sig=AbCdEfGhIjKlMnOpQrStUv%3D', 'SAS signature'],
  ['Bearer abcdefghijklmnopqrstuvwxyz0123456789', 'bearer token'],
  ['ghp_1234567890abcdefghijklmnopqrstuvwxyzAB', 'GitHub token'],
  ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'GitHub token'],
  ['glpat-abcdefghij0123456789', 'GitLab token'],
  ['xoxb-123456789012-1234567890123-abcdefghijkl', 'Slack token'],
  ['AKIAIOSFODNN7EXAMPLE', 'AWS access key id'],
  ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'Google API key'],
  ['sk_live_abcdefghijklmnop1234', 'Stripe secret key'],
  ['sk-proj-abcdefghijklmnopqrstuvwx', 'OpenAI key'],
  ['npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm token'],
  ['agk_0123456789abcdef_abcdefghijklmnopqrstuvwxyz012345', 'Authgraph API key'],
];

const SAFE_VALUES = [
  'SN-Graph-Integration', 'https://contoso.service-now.com/api/now/table/sys_user', 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
  '2026-11-29T12:00:00Z', 'e5f6a7b8-9c0d-4e1f-8a2b-3c4d5e6f7a8b', 'entra_id:4a1c2e9d:sp-1', 'Password must be rotated every 90 days',
  'connection string stored in the vault', 'user@example.com', 'a=b', 'x=1&y=2', 'Bearer', 'eyJ only',
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
  'https://user@example.com/path', 'sk-short', 'ghp_short', 'AKIA-not-a-key', 'role: Global Administrator',
];

describe('secret names', () => {
  it(`has at least 40 names each way`, () => {
    expect(SECRET_NAMES.length).toBeGreaterThanOrEqual(40);
    expect(SAFE_NAMES.length).toBeGreaterThanOrEqual(40);
  });
  it.each(SECRET_NAMES)('refuses %s', (name) => expect(isSecretName(name)).toBe(true));
  it.each(SAFE_NAMES)('passes %s', (name) => expect(isSecretName(name)).toBe(false));
});

describe('secret values', () => {
  it(`has at least 15 values each way`, () => {
    expect(SECRET_VALUES.length).toBeGreaterThanOrEqual(15);
    expect(SAFE_VALUES.length).toBeGreaterThanOrEqual(15);
  });
  it.each(SECRET_VALUES)('refuses %s', (value, kind) => expect(secretValueKind(value)).toContain(kind));
  it.each(SAFE_VALUES)('passes %s', (value) => expect(secretValueKind(value)).toBeUndefined());
});

describe('documents', () => {
  it('finds names and values at any depth, lists of secrets, and walks structures under secret names', () => {
    const doc = {
      passwordCredentials: [{ keyId: 'k1', hint: 'abc', secretText: 'plain' }],
      secrets: ['one', 'two'],
      nested: { deeper: [{ note: 'postgres://a:b@h/db' }] },
      clientSecret: { env: 'ENTRA_CLIENT_SECRET' },
      passwordLastSet: '2026-01-01T00:00:00Z',
    };
    expect(findSecrets(doc).map((f) => [f.path.join('.'), f.reason])).toEqual([
      ['passwordCredentials.0.secretText', 'secret-named field'],
      ['secrets', 'secret-named field'],
      ['nested.deeper.0.note', 'looks like a URL with a password'],
    ]);
    const redacted = redactSecrets(doc);
    expect(redacted.passwordCredentials[0]).toEqual({ keyId: 'k1', hint: 'abc', secretText: REDACTED });
    expect(redacted.secrets).toBe(REDACTED);
    expect(redacted.nested.deeper[0]!.note).toBe(REDACTED);
    expect(redacted.clientSecret).toEqual({ env: 'ENTRA_CLIENT_SECRET' });
    expect(findSecrets(redacted)).toEqual([]);
  });

  it('the model refuses a secret by name or by value, with the path', () => {
    const graph = structuredClone(sampleTenant('secrets-test'));
    const node = graph.nodes.find((n) => n.nodeType === 'identity')!;
    (node.properties as Record<string, unknown>).sasToken = 'abc';
    (node.properties as Record<string, unknown>).note = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc';
    const parsed = parseNormalizedGraph(graph);
    expect(parsed.ok).toBe(false);
    const i = graph.nodes.indexOf(node);
    expect(!parsed.ok && parsed.issues.map((x) => x.path)).toEqual(expect.arrayContaining([`nodes[${i}].properties.sasToken`, `nodes[${i}].properties.note`]));
  });

  it('config loading refuses a secret at any depth of a connector entry, with the path', () => {
    const config = (entry: Record<string, unknown>) =>
      JSON.stringify({ tenantId: 't', connectors: [{ connectorId: 'sn', type: 'servicenow', credentials: { type: 'basic' }, ...entry }] });
    expect(() => parseConnectorsConfig(config({ sourceConfig: { proxy: { auth: { password: 'x' } } } }))).toThrow(/connectors\[0\]\.sourceConfig\.proxy\.auth\.password: password is a secret/);
    expect(() => parseConnectorsConfig(config({ sourceConfig: { dsn: 'Server=x;Password=y' } }))).toThrow(/connectors\[0\]\.sourceConfig\.dsn: this value looks like a connection string/);
  });
});

describe('depth caps on data', () => {
  const nest = (depth: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  it('measures without recursion, at any depth', () => {
    expect(findTooDeep(nest(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findTooDeep(nest(MAX_JSON_DEPTH + 1))?.path).toHaveLength(MAX_JSON_DEPTH);
    expect(findTooDeep(nest(100_000))?.path).toHaveLength(MAX_JSON_DEPTH);
  });

  it('the model refuses a property nested deeper than the cap with its path, and takes one at the cap', () => {
    const graph = structuredClone(sampleTenant('secrets-test'));
    const props = graph.nodes[0]!.properties as Record<string, unknown>;
    props.deep = nest(MAX_JSON_DEPTH);
    expect(parseNormalizedGraph(graph).ok).toBe(true);
    props.deep = nest(50_000);
    const parsed = parseNormalizedGraph(graph);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues[0]!.path).toMatch(/^nodes\[0\]\.properties\.deep(\.a)+$/);
    expect(!parsed.ok && parsed.issues[0]!.message).toMatch(/nested more than 32 levels/);
  });
});

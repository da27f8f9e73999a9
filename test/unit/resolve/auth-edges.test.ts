import { describe, expect, it } from 'vitest';
import { resolveAuthEdges } from '../../../src/resolve/auth-edges.ts';
import { makeEdge, makeNode, withoutProperty } from '../../support/graph-builders.ts';

// Cross-system authentication by client id (seed 003 resolve_auth_edges), on nodes shaped as the
// Entra, ServiceNow and GitHub connectors emit them: the edge type per credential kind, the
// case-insensitive match, the refusals, and the evidence each edge carries.

const APP_ID = '9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19';
const ENTRA_TENANT = '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77';
const SN_URL = 'https://contoso.service-now.com';
const sp = makeNode(
  'identity',
  'entra_id',
  'sp-graph',
  { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned', appId: APP_ID, issuingTenantId: ENTRA_TENANT },
  { displayName: 'Graph Sync App' },
);
const oauthApp = makeNode('identity', 'entra_id', 'app-reg', {
  identitySubtype: 'oauth_app',
  executionMode: 'autonomous',
  ownershipState: 'owned',
  appId: APP_ID,
});
const profile = (over: Record<string, unknown> = {}, subtype: 'oauth_profile' | 'oauth_provider' | 'client_secret' = 'oauth_profile') =>
  makeNode(
    'credential',
    'servicenow',
    `${subtype}-1`,
    { credentialSubtype: subtype, clientId: APP_ID.toUpperCase(), oauthEntitySysId: 'a1b2c3', instanceUrl: SN_URL, ...over },
    { displayName: 'Graph profile' },
  );

describe('resolveAuthEdges: OAuth profiles and providers', () => {
  it('a profile whose client id is an app id (any case) authenticates as that principal, with the proof', () => {
    const cred = profile();
    expect(resolveAuthEdges([sp, cred])).toEqual([
      {
        ...makeEdge('AUTHENTICATES_AS', cred, sp),
        properties: {
          evidenceReferences: {
            issuingSystemId: APP_ID,
            issuingTenantId: ENTRA_TENANT,
            targetSystemId: APP_ID.toUpperCase(),
            targetInstanceId: SN_URL,
            targetRecordSysId: 'a1b2c3',
            matchingField: 'client_id',
            matchingValue: APP_ID.toUpperCase(),
          },
          provenance: {
            origin: 'resolver',
            rule: 'auth_by_client_id',
            detail: `oauth_entity a1b2c3 client_id ${APP_ID.toUpperCase()} = appId ${APP_ID} of Graph Sync App (case-insensitive)`,
            sourceRecordIds: ['oauth_entity/a1b2c3', 'servicePrincipal/sp-graph'],
          },
        },
      },
    ]);
  });

  it('a provider registration authenticates to the principal', () => {
    const cred = profile({}, 'oauth_provider');
    expect(resolveAuthEdges([cred, sp]).map((e) => [e.edgeType, e.sourceNodeId, e.targetNodeId])).toEqual([['AUTHENTICATES_TO', cred.nodeId, sp.nodeId]]);
  });

  it('without a sys id, instance or issuing tenant, falls back to the record id and the scopes', () => {
    const bareSp = withoutProperty(sp, 'issuingTenantId');
    const cred = profile({ oauthEntitySysId: undefined, instanceUrl: undefined });
    const [edge] = resolveAuthEdges([bareSp, cred]);
    expect(edge?.properties.evidenceReferences).toMatchObject({
      issuingTenantId: sp.sourceScope,
      targetInstanceId: cred.sourceScope,
      targetRecordSysId: cred.sourceId,
    });
    expect(edge?.properties.provenance).toMatchObject({ sourceRecordIds: [`oauth_entity/${cred.sourceId}`, 'servicePrincipal/sp-graph'] });
  });

  it('no edge for another credential kind, a missing client id, an unknown one, the same source, or an app registration', () => {
    expect(resolveAuthEdges([sp, profile({}, 'client_secret')])).toEqual([]);
    expect(resolveAuthEdges([sp, profile({ clientId: undefined })])).toEqual([]);
    expect(resolveAuthEdges([sp, profile({ clientId: '00000000-0000-4000-8000-000000000000' })])).toEqual([]);
    expect(resolveAuthEdges([sp, { ...profile(), sourceSystem: 'entra_id' as const }])).toEqual([]);
    expect(resolveAuthEdges([oauthApp, profile()])).toEqual([]);
    expect(resolveAuthEdges([withoutProperty(sp, 'appId'), profile()])).toEqual([]);
  });
});

describe('resolveAuthEdges: CI secrets passed beside a client id', () => {
  const secret = (pairedClientIds: unknown, over: Record<string, unknown> = {}) =>
    makeNode(
      'credential',
      'github',
      'AZURE_CLIENT_SECRET',
      {
        credentialSubtype: 'ci_secret',
        pairedClientIds,
        secretName: 'AZURE_CLIENT_SECRET',
        clientIdEvidence: 'passed to azure/login beside client-id',
        ...over,
      } as never,
      {
        displayName: 'secret AZURE_CLIENT_SECRET',
      },
    );

  it('authenticates as each principal whose client id the workflow passes beside it', () => {
    const cred = secret([APP_ID.toUpperCase(), 'not-a-known-app']);
    expect(resolveAuthEdges([sp, cred])).toEqual([
      {
        ...makeEdge('AUTHENTICATES_AS', cred, sp),
        properties: {
          evidenceReferences: {
            issuingSystemId: APP_ID,
            issuingTenantId: ENTRA_TENANT,
            targetSystemId: APP_ID.toUpperCase(),
            targetInstanceId: cred.sourceScope,
            targetRecordSysId: cred.sourceId,
            matchingField: 'client_id',
            matchingValue: APP_ID.toUpperCase(),
          },
          provenance: {
            origin: 'resolver',
            rule: 'secret_beside_client_id',
            detail: `secret AZURE_CLIENT_SECRET is passed to azure/login beside client-id: ${APP_ID.toUpperCase()} = appId of Graph Sync App`,
            sourceRecordIds: [cred.sourceId, sp.sourceId],
          },
        },
      },
    ]);
  });

  it('names the secret by its display name and says "passed beside a client id" when the connector gave no more', () => {
    const cred = secret([APP_ID], { secretName: undefined, clientIdEvidence: undefined });
    const bareSp = withoutProperty(sp, 'issuingTenantId');
    const [edge] = resolveAuthEdges([bareSp, cred]);
    expect(edge?.properties.provenance).toMatchObject({
      detail: `secret secret AZURE_CLIENT_SECRET is passed beside a client id: ${APP_ID} = appId of Graph Sync App`,
    });
    expect(edge?.properties.evidenceReferences).toMatchObject({ issuingTenantId: sp.sourceScope });
  });

  it('no edge without paired ids, for a principal of the same source, or for an app registration', () => {
    expect(resolveAuthEdges([sp, secret(undefined)])).toEqual([]);
    expect(resolveAuthEdges([sp, secret(APP_ID)])).toEqual([]);
    expect(resolveAuthEdges([{ ...sp, sourceSystem: 'github' as const }, secret([APP_ID])])).toEqual([]);
    expect(resolveAuthEdges([oauthApp, secret([APP_ID])])).toEqual([]);
  });
});

describe('resolveAuthEdges: inbound OAuth clients', () => {
  const appUser = makeNode(
    'identity',
    'servicenow',
    'user-graph',
    { identitySubtype: 'integration_user', executionMode: 'autonomous', ownershipState: 'owned', userName: 'graph.integration' },
    { displayName: 'Graph Integration' },
  );
  const client = (over: Record<string, unknown> = {}) =>
    makeNode('credential', 'servicenow', 'oauth-client-1', {
      credentialSubtype: 'oauth_client',
      clientId: APP_ID,
      oauthEntitySysId: 'c0ffee',
      instanceUrl: SN_URL,
      applicationUserNodeId: appUser.nodeId,
      ...over,
    });

  it("lets the app whose app id is the registration's client id in as the registration's user", () => {
    expect(resolveAuthEdges([sp, appUser, client()])).toEqual([
      {
        ...makeEdge('AUTHENTICATES_TO', sp, appUser),
        properties: {
          evidenceReferences: {
            issuingSystemId: APP_ID,
            issuingTenantId: ENTRA_TENANT,
            targetSystemId: APP_ID,
            targetInstanceId: SN_URL,
            targetRecordSysId: 'c0ffee',
            matchingField: 'client_id',
            matchingValue: APP_ID,
            targetUserBinding: 'oauth_entity.user -> sys_user.user_name = graph.integration',
          },
          provenance: {
            origin: 'resolver',
            rule: 'inbound_oauth_client',
            detail: `oauth_entity c0ffee (type client) client_id ${APP_ID} = appId ${APP_ID} of Graph Sync App; the app signs in as OAuth Application User graph.integration`,
            sourceRecordIds: ['oauth_entity/c0ffee', 'servicePrincipal/sp-graph', 'user-graph'],
          },
        },
      },
    ]);
  });

  it('names the user by display name without a user name, and the record by its id without a sys id', () => {
    const unnamed = withoutProperty(appUser, 'userName');
    const [edge] = resolveAuthEdges([sp, unnamed, client({ oauthEntitySysId: undefined })]);
    expect(edge?.properties.evidenceReferences).toMatchObject({
      targetUserBinding: 'oauth_entity.user -> sys_user.user_name = Graph Integration',
      targetRecordSysId: 'oauth-client-1',
    });
    const person = makeNode('human_identity', 'servicenow', 'p', { accountEnabled: true }, { displayName: 'A Person' });
    // A person is not an identity AUTHENTICATES_TO may end at.
    expect(resolveAuthEdges([sp, person, client({ applicationUserNodeId: person.nodeId })])).toEqual([]);
  });

  it('no edge without a client id, a known app, a user, or across one source', () => {
    expect(resolveAuthEdges([sp, appUser, client({ clientId: undefined })])).toEqual([]);
    expect(resolveAuthEdges([sp, appUser, client({ clientId: 'unknown' })])).toEqual([]);
    expect(resolveAuthEdges([sp, appUser, client({ applicationUserNodeId: undefined })])).toEqual([]);
    expect(resolveAuthEdges([sp, appUser, client({ applicationUserNodeId: 'servicenow:x:nobody' })])).toEqual([]);
    expect(resolveAuthEdges([sp, appUser, client({ applicationUserNodeId: 42 })])).toEqual([]);
    expect(resolveAuthEdges([{ ...sp, sourceSystem: 'servicenow' as const }, appUser, client()])).toEqual([]);
  });
});

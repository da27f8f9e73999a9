import { describe, expect, it } from 'vitest';
import type { CloudLogin } from '../../../src/model/index.ts';
import { evaluateClaimsExpression } from '../../../src/resolve/claims-expression.ts';
import { globMatch, matchFederatedCredential } from '../../../src/resolve/federation-edges.ts';

// Federated credential matching as Entra checks a token: issuer and subject exact (case matters),
// audience among the credential's, client id the credential's application, or the credential's
// claims matching expression.
const ISSUER = 'https://token.actions.githubusercontent.com';
const APP = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
const login = (sub: string, over: Partial<CloudLogin> = {}, pattern = false): CloudLogin => ({
  job: 'deploy',
  step: 'login',
  action: 'azure/login@v2',
  provider: 'azure',
  mode: 'federated',
  clientId: APP,
  clientIdFrom: 'literal',
  audience: 'api://AzureADTokenExchange',
  issuer: ISSUER,
  oidcPermission: 'granted',
  secretNames: [],
  claimSets: [{ sub, pattern, basis: 'test', claims: { sub, repository: 'contoso/infra', ref: 'refs/heads/main' } }],
  ...over,
});
const fic = (over: Record<string, unknown> = {}) => ({ issuer: ISSUER, subject: 'repo:contoso/infra:environment:production', audiences: ['api://AzureADTokenExchange'], clientId: APP, ...over });

describe('matchFederatedCredential', () => {
  it('matches the exact subject, and nothing that differs in case, issuer, audience or client id', () => {
    expect(matchFederatedCredential(login('repo:contoso/infra:environment:production'), fic())).toMatchObject({ how: 'subject_eq', clientIdVerified: true });
    expect(matchFederatedCredential(login('repo:Contoso/infra:environment:production'), fic())).toBeUndefined();
    expect(matchFederatedCredential(login('repo:contoso/infra:environment:production'), fic({ issuer: `${ISSUER}/` }))).toBeUndefined();
    expect(matchFederatedCredential(login('repo:contoso/infra:environment:production'), fic({ audiences: ['api://other'] }))).toBeUndefined();
    expect(matchFederatedCredential(login('repo:contoso/infra:environment:production', { clientId: '00000000-0000-0000-0000-000000000001' }), fic())).toBeUndefined();
  });

  it('pull_request tokens do not satisfy an environment credential', () => {
    expect(matchFederatedCredential(login('repo:contoso/infra:pull_request'), fic())).toBeUndefined();
  });

  it('an unreadable client id (a secret) still matches by subject, marked unverified', () => {
    const { clientId: _omit, ...rest } = login('repo:contoso/infra:environment:production');
    expect(matchFederatedCredential({ ...rest, clientIdFrom: 'secret AZURE_CLIENT_ID (value unreadable)' }, fic())).toMatchObject({ clientIdVerified: false });
  });

  it('a branch pattern covers the credential subject it includes', () => {
    const push = login('repo:contoso/infra:ref:refs/heads/**', {}, true);
    expect(matchFederatedCredential(push, fic({ subject: 'repo:contoso/infra:ref:refs/heads/release/2026' }))).toMatchObject({ how: 'subject_pattern' });
    expect(matchFederatedCredential(push, fic({ subject: 'repo:contoso/infra:environment:production' }))).toBeUndefined();
  });

  it('a claims matching expression is evaluated on the token claims', () => {
    const cred = fic({ subject: undefined, claimsMatchingExpression: "claims['sub'] matches 'repo:contoso/*:ref:refs/heads/main'" });
    expect(matchFederatedCredential(login('repo:contoso/infra:ref:refs/heads/main'), cred)).toMatchObject({ how: 'claims_expression' });
    expect(matchFederatedCredential(login('repo:contoso/infra:ref:refs/heads/dev'), cred)).toBeUndefined();
  });
});

describe('evaluateClaimsExpression', () => {
  const claims = { sub: 'repo:contoso/hr-app:ref:refs/heads/main', repository_owner: 'contoso' };
  it('eq, matches with * and ?, and / or with and binding tighter', () => {
    expect(evaluateClaimsExpression("claims['sub'] eq 'repo:contoso/hr-app:ref:refs/heads/main'", claims)).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] matches 'repo:contoso/hr-???:ref:*'", claims)).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] matches 'repo:fabrikam/*' or claims['repository_owner'] eq 'contoso' and claims['sub'] matches '*/main'", claims)).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] matches 'repo:fabrikam/*' or claims['repository_owner'] eq 'fabrikam' and claims['sub'] matches '*/main'", claims)).toEqual({ ok: true, matches: false });
    expect(evaluateClaimsExpression("claims['sub'] matches 'repo:contoso/* and more'", { sub: 'repo:contoso/x and more' })).toEqual({ ok: true, matches: true });
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(evaluateClaimsExpression("(claims['sub'] eq 'x')", claims)).toMatchObject({ ok: false });
    expect(evaluateClaimsExpression("claims['sub'] startswith 'repo'", claims)).toMatchObject({ ok: false });
  });
});

describe('globMatch', () => {
  it('* stays within a path segment, ** crosses them', () => {
    expect(globMatch('refs/heads/*', 'refs/heads/main')).toBe(true);
    expect(globMatch('refs/heads/*', 'refs/heads/release/1')).toBe(false);
    expect(globMatch('refs/heads/**', 'refs/heads/release/1')).toBe(true);
  });
});

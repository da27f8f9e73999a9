import { describe, expect, it } from 'vitest';
import { globMatch, matchFederatedCredential, resolveFederationEdges } from '../../../src/resolve/federation-edges.ts';
import type { CloudLogin } from '../../../src/model/index.ts';
import { makeEdge, makeNode } from '../../support/graph-builders.ts';

// Workload identity federation as the resolver links it: a GitHub workflow's azure/login step
// (oidcLogins, as the GitHub connector writes it) USES the Entra federated identity credential
// that trusts its token. Which nodes take part, the edge's evidence, and the matcher's refusals.

const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'api://AzureADTokenExchange';
const APP = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
const SUB = 'repo:contoso/infra:environment:production';

const login = (over: Partial<CloudLogin> = {}): CloudLogin => ({
  job: 'deploy',
  step: 'Azure login',
  action: 'azure/login@v2',
  provider: 'azure',
  mode: 'federated',
  clientId: APP,
  clientIdFrom: 'literal',
  audience: AUDIENCE,
  issuer: ISSUER,
  oidcPermission: 'granted',
  secretNames: [],
  environment: 'production',
  claimSets: [{ sub: SUB, pattern: false, basis: 'environment production', claims: { sub: SUB, environment: 'production' } }],
  ...over,
});
const workflow = (logins: unknown[], status: 'active' | 'disabled' = 'active') =>
  makeNode(
    'automation',
    'github',
    'contoso/infra/.github/workflows/deploy.yml',
    {
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'active_external',
      ownershipState: 'unattributed',
      oidcLogins: logins as never,
    },
    { status, displayName: 'deploy.yml' },
  );
const fic = (over: Record<string, unknown> = {}, status: 'active' | 'expired' = 'active', sourceId = 'fic-prod') =>
  makeNode(
    'credential',
    'entra_id',
    sourceId,
    { credentialSubtype: 'federated_identity_credential', issuer: ISSUER, subject: SUB, audiences: [AUDIENCE], clientId: APP, ...over },
    { status, displayName: 'github-prod' },
  );

describe('resolveFederationEdges', () => {
  it('links the workflow to the credential its token satisfies, with the evidence', () => {
    const wf = workflow([login()]);
    const cred = fic();
    expect(resolveFederationEdges([wf, cred])).toEqual([
      {
        ...makeEdge('USES', wf, cred),
        properties: {
          matchBasis: 'subject_eq',
          matchedSubject: SUB,
          subjectBasis: 'environment production',
          clientIdVerified: true,
          clientIdFrom: 'literal',
          oidcPermission: 'granted',
          loginStep: 'deploy/Azure login',
          provenance: {
            origin: 'resolver',
            rule: 'oidc_federation',
            detail: `deploy/Azure login presents ${SUB} (environment production); github-prod trusts subject ${SUB} from ${ISSUER}`,
            sourceRecordIds: [wf.sourceId, 'fic-prod'],
          },
        },
      },
    ]);
  });

  it('says so when the trust is a claims matching expression', () => {
    const expression = "claims['sub'] matches 'repo:contoso/*:environment:production'";
    const [edge] = resolveFederationEdges([workflow([login()]), fic({ subject: undefined, claimsMatchingExpression: expression })]);
    expect(edge?.properties).toMatchObject({ matchBasis: 'claims_expression' });
    expect(edge?.properties.provenance).toMatchObject({
      detail: `deploy/Azure login presents ${SUB} (environment production); github-prod trusts claims matching ${expression} from ${ISSUER}`,
    });
  });

  it('one edge per workflow and credential however many steps match', () => {
    const edges = resolveFederationEdges([workflow([login(), login({ step: 'again' })]), fic()]);
    expect(edges).toHaveLength(1);
    expect(edges[0]?.properties).toMatchObject({ loginStep: 'deploy/Azure login' });
    expect(resolveFederationEdges([workflow([login()]), fic(), fic({}, 'active', 'fic-two')]).map((e) => e.targetNodeId)).toHaveLength(2);
  });

  it('a job left to the repository default may still mint a token', () => {
    expect(resolveFederationEdges([workflow([login({ oidcPermission: 'repository_default' })]), fic()])).toHaveLength(1);
  });

  it('nothing for a job that may not mint a token, a secret login, a disabled workflow, an expired or other credential, or a malformed login', () => {
    expect(resolveFederationEdges([workflow([login({ oidcPermission: 'not_granted' })]), fic()])).toEqual([]);
    expect(resolveFederationEdges([workflow([login({ mode: 'secret' })]), fic()])).toEqual([]);
    expect(resolveFederationEdges([workflow([login()], 'disabled'), fic()])).toEqual([]);
    expect(resolveFederationEdges([workflow([login()]), fic({}, 'expired')])).toEqual([]);
    expect(resolveFederationEdges([workflow([login()]), fic({ credentialSubtype: 'client_secret' })])).toEqual([]);
    expect(resolveFederationEdges([workflow([{ job: 'deploy' }]), fic()])).toEqual([]);
    expect(resolveFederationEdges([workflow([login()])])).toEqual([]);
    // A non-automation carrying the same property is not a workflow.
    const sp = makeNode('identity', 'entra_id', 'sp', {
      identitySubtype: 'service_principal',
      executionMode: 'autonomous',
      ownershipState: 'owned',
      oidcLogins: [login()] as never,
    });
    expect(resolveFederationEdges([sp, fic()])).toEqual([]);
  });
});

describe('matchFederatedCredential refusals', () => {
  const props = (over: Record<string, unknown> = {}) => fic(over).properties as Record<string, unknown>;

  it('a credential without the application, or with a non-text one, refuses a login that names its client id', () => {
    expect(matchFederatedCredential(login(), props({ clientId: undefined }))).toBeUndefined();
    expect(matchFederatedCredential(login(), props({ clientId: 42 }))).toBeUndefined();
    expect(matchFederatedCredential(login({ clientId: APP.toUpperCase() }), props())).toMatchObject({ how: 'subject_eq' });
  });

  it('no audiences list means no audience matches', () => {
    expect(matchFederatedCredential(login(), props({ audiences: AUDIENCE }))).toBeUndefined();
  });

  it('an empty or non-text subject falls back to the claims expression; no rule at all matches nothing', () => {
    const expression = "claims['environment'] eq 'production'";
    expect(matchFederatedCredential(login(), props({ subject: '', claimsMatchingExpression: expression }))).toMatchObject({ how: 'claims_expression' });
    expect(matchFederatedCredential(login(), props({ subject: 7, claimsMatchingExpression: expression }))).toMatchObject({ how: 'claims_expression' });
    expect(matchFederatedCredential(login(), props({ subject: undefined, claimsMatchingExpression: 7 }))).toBeUndefined();
    expect(matchFederatedCredential(login(), props({ subject: undefined }))).toBeUndefined();
    expect(matchFederatedCredential(login(), props({ subject: '', claimsMatchingExpression: "claims['environment'] eq 'staging'" }))).toBeUndefined();
    expect(matchFederatedCredential(login(), props({ subject: undefined, claimsMatchingExpression: 'nonsense' }))).toBeUndefined();
  });

  it('an expression is never evaluated against a pattern of subjects (its claims are not a token)', () => {
    const patterned = login({ claimSets: [{ sub: 'repo:contoso/infra:*', pattern: true, basis: 'any', claims: { environment: 'production' } }] });
    expect(
      matchFederatedCredential(patterned, props({ subject: undefined, claimsMatchingExpression: "claims['environment'] eq 'production'" })),
    ).toBeUndefined();
  });

  it('an exact subject is compared only with token subjects, a pattern only by glob', () => {
    expect(matchFederatedCredential(login({ claimSets: [{ sub: SUB, pattern: true, basis: 'p', claims: {} }] }), props())).toMatchObject({
      how: 'subject_pattern',
    });
    expect(
      matchFederatedCredential(login({ claimSets: [{ sub: 'repo:contoso/*', pattern: false, basis: 'p', claims: {} }] }), props({ subject: 'repo:contoso/*' })),
    ).toMatchObject({
      how: 'subject_eq',
    });
    expect(
      matchFederatedCredential(login({ claimSets: [{ sub: 'repo:contoso/*', pattern: false, basis: 'p', claims: {} }] }), props({ subject: 'repo:contoso/x' })),
    ).toBeUndefined();
  });
});

describe('globMatch', () => {
  it('? is one character within a segment; other characters are literal', () => {
    expect(globMatch('v1.?', 'v1.x')).toBe(true);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'a/c')).toBe(false);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('a*', 'a')).toBe(true);
    expect(globMatch('(x)+', '(x)+')).toBe(true);
  });
});

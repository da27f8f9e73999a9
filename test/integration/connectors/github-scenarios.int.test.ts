import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHubConnector } from '../../../connectors/github/index.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { NormalizedGraph, NormalizedNode } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { collectTenantGraphs } from '../../../src/sync/run-connectors.ts';
import { FIXED_NOW, FIXTURE_SECRETS, gitHubConfig } from '../../support/connectors-fixtures.ts';
import { countByType, edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// The seed's seven scenarios for the GitHub connector, over real HTTP against recorded REST pages
// (page size 2, so every list of more than two is paged through its Link header).
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const github = async (scenario: string, policy = {}) => {
  const run = await runScenario(server, { github: scenario }, policy);
  return { run, graph: graphOf(run, 'github'), stats: run.connectors[0]! };
};
const byName = (g: NormalizedGraph, type: NormalizedNode['nodeType'], name: string) => node(g, type, name);
const targets = (g: NormalizedGraph, type: 'GRANTS' | 'OWNED_BY' | 'USES', from: NormalizedNode) =>
  edges(g, type, from).map((e) => g.nodes.find((n) => n.nodeId === e.targetNodeId)!);
const permissionsOf = (g: NormalizedGraph, from: NormalizedNode) =>
  targets(g, 'GRANTS', from).map((p) => (p.nodeType === 'permission' ? `${p.properties.permissionName} → ${p.properties.normalizedAction} ${p.properties.scope}` : '?')).sort();

describe('GitHub: happy path', () => {
  it('extracts every entity type, paging through Link headers', async () => {
    const { graph, stats } = await github('happy-path');
    expect(stats.status).toBe('completed');
    expect(countByType(graph.nodes)).toEqual({
      human_identity: 4, // 3 members + 1 outside collaborator
      role: 3, // organization owner, organization member, team platform
      identity: 4, // 3 App installations + 1 OAuth app a member approved
      credential: 8, // 3 fine-grained tokens (one pending), 1 classic token, 3 Actions secrets, 1 deploy key
      resource: 4, // repositories
      automation: 8, // workflows, one of them deleted
      permission: 20,
    });
    expect(countByType(graph.edges)).toEqual({ GRANTS: 31, HAS_ROLE: 3, BELONGS_TO: 2, OWNED_BY: 11, APPROVED_BY: 1, TRIGGERS_ON: 8, USES: 3 });
    const repoPages = server.requestsFor('github', 'happy-path').filter((r) => r.path === '/orgs/contoso/repos');
    // 4 repositories at 2 a page: the second page is the Link header's rel="next", followed as given.
    expect(repoPages.map((r) => new URLSearchParams(r.query).get('page'))).toContain('2');
    expect(graph.evidenceCompleteness.sources.credentialAuthorizations).toMatchObject({ status: 'available', recordCount: 2 });
  });

  it('SAML credential authorizations: an approved OAuth app and a classic token with their scopes', async () => {
    const { graph } = await github('happy-path');
    const app = byName(graph, 'identity', 'Dependency Dashboard');
    expect(app.properties).toMatchObject({ identitySubtype: 'oauth_app', approvedScopes: ['repo', 'read:org'] });
    expect(edges(graph, 'APPROVED_BY', app).map((e) => e.targetNodeId)).toEqual([byName(graph, 'human_identity', 'bob-dev').nodeId]);
    const classic = byName(graph, 'credential', 'ops-break-glass (carol-ops)');
    expect(permissionsOf(graph, classic)).toEqual(['admin:org → admin organization', 'repo → update repository_contents', 'workflow → execute workflows']);
  });

  it('normalizes installation permissions with the seed rows', async () => {
    const { graph } = await github('happy-path');
    const renovate = byName(graph, 'identity', 'renovate');
    expect(renovate.properties).toMatchObject({ identitySubtype: 'github_app', githubAppId: '99001', repositorySelection: 'all', ownershipState: 'unattributed' });
    expect(permissionsOf(graph, renovate)).toEqual([
      'contents: write → update repository_contents',
      'issues: write → update issues',
      'metadata: read → read repository_metadata',
      'pull_requests: write → update pull_requests',
      'workflows: write → execute workflows',
    ]);
    expect(permissionsOf(graph, byName(graph, 'identity', 'release-manager'))).toEqual([
      'administration: write → admin repository',
      'members: write → delegate org_membership',
      'metadata: read → read repository_metadata',
      'secrets: write → admin actions_secrets',
    ]);
    const owner = byName(graph, 'role', 'Organization owner');
    expect(owner.properties.isPrivileged).toBe(true);
    expect(permissionsOf(graph, owner)).toEqual(['members: write → delegate org_membership', 'organization_administration: write → admin organization']);
  });

  it('a fine-grained token is a credential owned by its user; a pending request grants nothing', async () => {
    const { graph } = await github('happy-path');
    const pat = byName(graph, 'credential', 'terraform-automation (alice-admin)');
    expect(pat).toMatchObject({ status: 'active', properties: { credentialSubtype: 'pat', grantStatus: 'approved', expiresAt: '2027-05-31T10:00:00.000Z', lastUsedAt: '2026-11-25T22:10:00.000Z' } });
    expect(targets(graph, 'OWNED_BY', pat).map((p) => p.displayName)).toEqual(['alice-admin']);
    expect(permissionsOf(graph, pat)).toContain('administration: write → admin repository');
    const pending = byName(graph, 'credential', 'release-bot (carol-ops)');
    expect(pending).toMatchObject({ status: 'disabled', properties: { grantStatus: 'pending_approval', requestedPermissions: ['members: write', 'contents: write'] } });
    expect(edges(graph, 'GRANTS', pending)).toEqual([]);
  });

  it('reads workflows: triggers, token permissions, secrets read, cloud logins and the OIDC subjects they can present', async () => {
    const { graph } = await github('happy-path');
    const deploy = byName(graph, 'automation', 'contoso/infra-deploy: Deploy infrastructure');
    expect(deploy.properties).toMatchObject({
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'active_external',
      oidcGranted: true,
      workflowPermissions: ['id-token: write', 'contents: read'],
      environments: ['production'],
      chainMembership: { role: 'entry_point' },
    });
    expect(deploy.properties.oidcLogins).toEqual([
      expect.objectContaining({
        action: 'azure/login@v2',
        mode: 'federated',
        clientId: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b', // from the repository variable AZURE_CLIENT_ID
        clientIdFrom: 'variable AZURE_CLIENT_ID',
        tenantId: '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77', // from the organization variable
        oidcPermission: 'granted',
        // What stands between a push to main and the cloud login: alice must approve the deployment.
        environmentProtection: { name: 'production', requiredReviewers: ['alice-admin'], waitTimerMinutes: 0, branchPolicy: 'protected_branches' },
        claimSets: [expect.objectContaining({ sub: 'repo:contoso/infra-deploy:environment:production', pattern: false })],
      }),
    ]);
    const [trigger] = edges(graph, 'TRIGGERS_ON', deploy);
    expect(trigger?.properties).toMatchObject({ triggerType: 'event', events: ['push', 'workflow_dispatch'] });
    const nightly = byName(graph, 'automation', 'contoso/legacy-scripts: Nightly report');
    expect(edges(graph, 'TRIGGERS_ON', nightly)[0]?.properties).toMatchObject({ triggerType: 'schedule', schedule: '0 2 * * *' });
    expect(nightly.properties.staticLogins).toEqual([expect.objectContaining({ mode: 'secret', clientId: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', clientIdFrom: 'literal', secretNames: ['LEGACY_SP_SECRET'] })]);
    expect(byName(graph, 'automation', 'contoso/web-app: Old deploy')).toMatchObject({ status: 'deleted', properties: { workflowState: 'deleted' } });
  });

  it('links secrets by name (the organization secret reaches every repository) and keeps only names', async () => {
    const { graph } = await github('happy-path');
    const ci = byName(graph, 'automation', 'contoso/web-app: CI');
    expect(targets(graph, 'USES', ci).map((s) => s.displayName)).toEqual(['NPM_TOKEN (organization)']);
    const hrSync = byName(graph, 'automation', 'contoso/legacy-scripts: HR directory sync');
    const [secret] = targets(graph, 'USES', hrSync);
    expect(secret).toMatchObject({ displayName: 'HR_SYNC_SECRET (contoso/legacy-scripts)', properties: { credentialSubtype: 'ci_secret', secretScope: 'repository', pairedClientIds: ['1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a'] } });
    const text = JSON.stringify(graph);
    for (const secretValue of FIXTURE_SECRETS) expect(text).not.toContain(secretValue);
    expect(text).not.toContain('ssh-ed25519'); // deploy key material is dropped at extraction
  });

  it('ownership from CODEOWNERS: the last matching rule, people only', async () => {
    const { graph } = await github('happy-path');
    const deploy = byName(graph, 'automation', 'contoso/infra-deploy: Deploy infrastructure');
    expect(targets(graph, 'OWNED_BY', deploy).map((p) => p.displayName)).toEqual(['alice-admin']);
    expect(deploy.properties).toMatchObject({ ownershipState: 'owned', codeownerTeams: ['@contoso/platform'] });
    expect(byName(graph, 'automation', 'contoso/hr-onboarding: Provision accounts').properties.ownershipState).toBe('unattributed');
  });
});

describe('GitHub: orphaned owner', () => {
  it('the workflows a departed member owns turn orphaned; the person stays as not a member', async () => {
    const { graph } = await github('orphaned-owner');
    const deploy = byName(graph, 'automation', 'contoso/infra-deploy: Deploy infrastructure');
    expect(deploy.properties.ownershipState).toBe('orphaned');
    expect(byName(graph, 'human_identity', 'alice-admin')).toMatchObject({ status: 'disabled', properties: { accountEnabled: false, orgRole: 'none' } });
    expect(graph.nodes.some((n) => n.displayName.startsWith('terraform-automation'))).toBe(false);
    expect(byName(graph, 'automation', 'contoso/legacy-scripts: Nightly report').properties.ownershipState).toBe('owned'); // carol-ops
  });
});

describe('GitHub: scope drift', () => {
  it('new installation permissions and token scopes arrive as relationship_added events', async () => {
    const storage = MemoryStorageAdapter.create();
    await applyGraph(storage, graphOf(await runScenario(server, { github: 'happy-path' }, {}, 'gh-1'), 'github'));
    const diff = await applyGraph(storage, graphOf(await runScenario(server, { github: 'scope-drift' }, {}, 'gh-2'), 'github'));
    const added = diff.events.filter((e) => e.eventType === 'relationship_added' && e.relationshipType === 'GRANTS');
    const local = (id: string | undefined) => id?.replace('github:github.com/contoso:', '');
    const names = added.map((e) => `${local(e.entityId)} → ${local(e.targetEntityId)}`).sort();
    expect(names).toEqual([
      'installation/45678902 → permission/administration:write',
      'installation/45678902 → permission/secrets:write',
      'pat/88002 → permission/contents:write',
    ]);
    expect(diff.events.filter((e) => e.eventType === 'created').map((e) => e.entityId)).toEqual([expect.stringContaining('deploy-staging.yml')]);
  });
});

describe('GitHub: credential expiry', () => {
  it('an expired token is status expired; one expiring within 30 days keeps its date and stays active', async () => {
    const { graph } = await github('credential-expiry');
    expect(byName(graph, 'credential', 'terraform-automation (alice-admin)')).toMatchObject({ status: 'expired', properties: { expiresAt: '2026-11-20T10:00:00.000Z' } });
    const soon = byName(graph, 'credential', 'ci-metrics (bob-dev)');
    expect(soon).toMatchObject({ status: 'active', properties: { expiresAt: '2026-12-10T10:00:00.000Z' } });
    expect(Date.parse(soon.properties.expiresAt as string) - FIXED_NOW.getTime()).toBeLessThan(30 * 86_400_000);
  });
});

describe('GitHub: partial failure', () => {
  it('goes on past failed lists and keeps the types they produce out of the deletable scope', async () => {
    const { graph, stats } = await github('partial-failure', { maxRetries: 1, backoffMs: 5 });
    expect(stats.status).toBe('partial');
    expect(stats.errors.map((e) => [e.type, e.operation])).toEqual([
      ['SERVER_ERROR', 'read secrets of contoso/web-app'],
      ['ENTITY_NOT_FOUND', 'read deployKeys of contoso/legacy-scripts'],
    ]);
    expect(graph.extractionScope).toEqual({ completeNodeTypes: ['automation', 'identity', 'resource', 'role'], completeEdgeTypes: ['APPROVED_BY', 'BELONGS_TO', 'HAS_ROLE', 'OWNED_BY', 'TRIGGERS_ON'] });
    expect(graph.evidenceCompleteness.sources.outsideCollaborators).toMatchObject({ status: 'unavailable_no_access' });
    expect(graph.evidenceCompleteness.sources.secrets?.notes).toMatch(/^incomplete: contoso\/web-app/);
    // What was read is all there: the web-app workflows, the organization secret they use.
    expect(targets(graph, 'USES', byName(graph, 'automation', 'contoso/web-app: CI')).map((s) => s.displayName)).toEqual(['NPM_TOKEN (organization)']);
  });
});

describe('GitHub: rate limiting', () => {
  it('waits out a secondary limit (Retry-After), a spent primary limit (X-RateLimit-Reset), 429s and a hang, and ends with the happy-path graph', async () => {
    const happy = (await github('happy-path')).graph;
    const { graph, stats } = await github('rate-limiting', { timeoutMs: 500, backoffMs: 5 });
    expect(stats.status).toBe('completed');
    expect(stats.retries).toBe(5); // 1 secondary + 1 primary + 2 × 429 + 1 timeout
    const faults = server.requestsFor('github', 'rate-limiting').filter((r) => r.fault).map((r) => `${r.path} ${r.status || 'hang'}`);
    expect(faults).toEqual(['/orgs/contoso/members 403', '/orgs/contoso/teams hang', '/orgs/contoso/repos 429', '/orgs/contoso/repos 429', '/repos/contoso/infra-deploy/actions/workflows 403']);
    const ids = (g: NormalizedGraph) => g.nodes.map((n) => n.sourceId).sort();
    expect(ids(graph)).toEqual(ids(happy));
    expect(graph.edges.map((e) => e.edgeId).sort()).toEqual(happy.edges.map((e) => e.edgeId).sort());
  });

  it('paces itself when the primary budget runs out on a success, instead of being refused', async () => {
    const own = await new ReplayServer().start();
    try {
      own.setRateLimit('github', 'happy-path', 25, Math.floor(Date.now() / 1000) + 1, 1);
      const run = await collectTenantGraphs([{ connector: gitHubConnector, config: gitHubConfig(own, 'happy-path') }], { syncId: 'paced' });
      expect(run.connectors[0]).toMatchObject({ status: 'completed' });
      expect(run.connectors[0]?.warnings.join(' ')).toMatch(/waited \dx for the primary rate limit to reset/);
      expect(own.requestsFor('github', 'happy-path').filter((r) => r.status === 403)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe('GitHub: empty response', () => {
  it('an organization answering with nothing deletes nothing', async () => {
    const { graph } = await github('empty-response');
    expect(graph.nodes).toEqual([]);
    expect(graph.extractionScope).toEqual({ completeNodeTypes: [], completeEdgeTypes: [] });
    const storage = MemoryStorageAdapter.create();
    await applyGraph(storage, graphOf(await runScenario(server, { github: 'happy-path' }, {}, 'gh-1'), 'github'));
    const diff = await applyGraph(storage, { ...graph, syncId: 'gh-2' });
    expect(diff.nodesDeleted + diff.edgesRemoved).toBe(0);
  });
});

describe('GitHub App installation auth', () => {
  it('signs a JWT with the App key, exchanges it for an installation token once, and reads with it', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    server.trustGitHubApp('github', 'happy-path', publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const before = server.requestsFor('github', 'happy-path').length;
    const config = gitHubConfig(server, 'happy-path', {}, {}, { type: 'github_app', appId: '812345', installationId: 45678901, privateKey: { env: 'GITHUB_APP_PRIVATE_KEY' } });
    config.runtime = { ...config.runtime, env: { GITHUB_APP_PRIVATE_KEY: pem } };
    const run = await collectTenantGraphs([{ connector: gitHubConnector, config }], { syncId: 'app' });
    expect(run.connectors[0]?.status).toBe('completed');
    const mine = server.requestsFor('github', 'happy-path').slice(before);
    // One exchange for the health check's client, one for the extraction's.
    expect(mine.filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`)).toEqual([
      '/app/installations/45678901/access_tokens 201',
      '/app/installations/45678901/access_tokens 201',
    ]);
    expect(JSON.stringify(run)).not.toContain('PRIVATE KEY');

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const wrong = { ...config, runtime: { ...config.runtime, env: { GITHUB_APP_PRIVATE_KEY: other } } };
    const health = await gitHubConnector.healthCheck(wrong);
    expect(health).toMatchObject({ healthy: false, errorType: 'AUTH_FAILURE' });
    expect(health.message).toMatch(/App 812345 could not get a token for installation 45678901/);
  });
});

describe('GitHub: audit-log mode', () => {
  it('reads the organization audit log oldest first and maps actions to the event vocabulary', async () => {
    const config = gitHubConfig(server, 'happy-path');
    const extraction = await gitHubConnector.extractAuditLogs!(config, { syncId: 'audit', since: '2026-11-01T00:00:00.000Z' });
    expect(extraction.auditRecords.map((r) => r.operation)).toEqual([
      'org.add_member',
      'integration_installation.version_updated',
      'personal_access_token.access_granted',
      'repo.create',
      'workflows.disable_workflow',
      'org.remove_member',
    ]);
    // Paged at 2 a page through the Link header, like every list.
    expect(server.requestsFor('github', 'happy-path').filter((r) => r.path === '/orgs/contoso/audit-log').length).toBe(3);
    const mapped = extraction.auditRecords.map((r) => gitHubConnector.mapAuditRecord!(r, 'github.com/contoso'));
    expect(mapped.map((m) => m && [m.eventType, m.entityId.replace('github:github.com/contoso:', '')])).toEqual([
      ['role_assigned', 'user/carol-ops'],
      ['permission_granted', 'installation/45678902'],
      ['credential_created', 'pat/88002'],
      null, // repository creation is not tracked
      ['status_changed', 'workflow/contoso/legacy-scripts/.github/workflows/nightly-report.yml'],
      ['role_revoked', 'user/erin-former'],
    ]);
    expect(extraction.nextCursor.cursorState).toEqual({ lastActivityDatetime: '2026-11-25T16:45:00.000Z', skipToken: 'doc-006' });
  });
});

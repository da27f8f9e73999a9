import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraIdConnector } from '../../../connectors/entra-id/index.ts';
import { gitHubConnector } from '../../../connectors/github/index.ts';
import { findChainVerdicts } from '../../../src/analysis/chain-verdicts.ts';
import { findExecutionChains } from '../../../src/analysis/execution-chains.ts';
import { privilegesOf } from '../../../src/analysis/privileges.ts';
import { computeDrift } from '../../../src/drift/compute-drift.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { NormalizedGraph, NormalizedNode } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { runTenantSync } from '../../../src/sync/run-tenant-sync.ts';
import { entraConfig, FIXED_NOW, gitHubConfig } from '../../support/connectors-fixtures.ts';
import { edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// CI chains that reach the cloud without a secret: GitHub Actions workflows joined to the Entra ID
// service principals they become, over both connectors' real HTTP against the replay server.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const both = async (github = 'happy-path', entra = 'happy-path') => {
  const run = await runScenario(server, { entra, github });
  return { run, gh: graphOf(run, 'github'), entra: graphOf(run, 'entra_id') };
};
const sp = (g: NormalizedGraph, name: string) => g.nodes.find((n) => n.nodeType === 'identity' && n.properties.identitySubtype === 'service_principal' && n.displayName === name)!;
const usesOf = (gh: NormalizedGraph, wf: NormalizedNode) => edges(gh, 'USES', wf);

describe('workflow → USES → federated credential → AUTHENTICATES_AS → service principal', () => {
  it('an exact subject: the production environment of infra-deploy', async () => {
    const { gh, entra } = await both();
    const deploy = node(gh, 'automation', 'contoso/infra-deploy: Deploy infrastructure');
    const fic = node(entra, 'credential', 'Legacy Reporting: github-infra-deploy-production');
    expect(fic.properties).toMatchObject({ credentialSubtype: 'federated_identity_credential', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/infra-deploy:environment:production', clientId: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b' });
    const [uses] = usesOf(gh, deploy);
    expect(uses).toMatchObject({
      targetNodeId: fic.nodeId,
      properties: {
        matchBasis: 'subject_eq',
        matchedSubject: 'repo:contoso/infra-deploy:environment:production',
        clientIdVerified: true,
        oidcPermission: 'granted',
        provenance: { origin: 'resolver', rule: 'oidc_federation' },
      },
    });
    expect(edges(entra, 'AUTHENTICATES_AS', fic, sp(entra, 'Legacy Reporting'))).toHaveLength(1);
  });

  it('a claims matching expression: every hr-* repository on main', async () => {
    const { gh, entra } = await both();
    const provision = node(gh, 'automation', 'contoso/hr-onboarding: Provision accounts');
    const [uses] = usesOf(gh, provision);
    expect(uses?.targetNodeId).toBe(node(entra, 'credential', 'Workday HR Sync: github-hr-repositories-main').nodeId);
    expect(uses?.properties).toMatchObject({ matchBasis: 'claims_expression', matchedSubject: 'repo:contoso/hr-onboarding:ref:refs/heads/main' });
  });

  it('a subject that does not match: pull_request tokens against a credential for the staging environment', async () => {
    const { gh, entra } = await both();
    const preview = node(gh, 'automation', 'contoso/web-app: PR preview');
    expect((preview.properties.oidcLogins as Array<{ claimSets: Array<{ sub: string }> }>)[0]?.claimSets.map((c) => c.sub)).toEqual(['repo:contoso/web-app:pull_request']);
    expect(node(entra, 'credential', 'Legacy Reporting: github-web-app-staging').properties.subject).toBe('repo:contoso/web-app:environment:staging');
    expect(usesOf(gh, preview)).toEqual([]);
  });

  it('workflow → USES → Actions secret → AUTHENTICATES_AS the app whose client id is passed beside it; a deleted app matches nothing', async () => {
    const { gh, entra } = await both();
    const secret = node(gh, 'credential', 'HR_SYNC_SECRET (contoso/legacy-scripts)');
    const [auth] = edges(gh, 'AUTHENTICATES_AS', secret);
    expect(auth).toMatchObject({
      targetNodeId: sp(entra, 'Workday HR Sync').nodeId,
      properties: { provenance: { rule: 'secret_beside_client_id' }, evidenceReferences: { matchingField: 'client_id', matchingValue: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' } },
    });
    // The nightly report passes the client id of an app deleted from the tenant.
    const orphanSecret = node(gh, 'credential', 'LEGACY_SP_SECRET (contoso/legacy-scripts)');
    expect(orphanSecret.properties.pairedClientIds).toEqual(['9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d']);
    expect(edges(gh, 'AUTHENTICATES_AS', orphanSecret)).toEqual([]);
  });

  it('cross-system edge types count as complete only when the identity provider was read completely', async () => {
    const ok = await both();
    expect(ok.gh.extractionScope?.completeEdgeTypes).toEqual(expect.arrayContaining(['USES', 'AUTHENTICATES_AS']));
    // One application's federated credentials can't be read: a missing USES edge may just be unread.
    server.inject('entra-id', 'happy-path', { path: '/v1.0/applications/0f1a2b3c-4d5e-4f6a-8b7c-8d9e0f1a2b3c/federatedIdentityCredentials', kind: 'status', status: 503 });
    try {
      const failed = await runScenario(server, { entra: 'happy-path', github: 'happy-path' }, { maxRetries: 0 });
      expect(graphOf(failed, 'entra_id').extractionScope?.completeNodeTypes).not.toContain('credential');
      expect(graphOf(failed, 'github').extractionScope?.completeEdgeTypes).not.toContain('USES');
    } finally {
      server.clearFaults('entra-id', 'happy-path');
    }
    const alone = await runScenario(server, { github: 'happy-path' });
    expect(graphOf(alone, 'github').extractionScope?.completeEdgeTypes).not.toContain('AUTHENTICATES_AS');
  });
});

describe('chains, ownership and drift on GitHub entities', () => {
  /** Both sources; `day` moves the fixed clock, so each sync is its own point in the history. */
  const instances = (github: string, day = 0) => {
    const now = () => new Date(FIXED_NOW.getTime() + day * 86_400_000);
    const at = <C extends { runtime?: object }>(c: C) => ({ ...c, runtime: { ...c.runtime, now } });
    return [
      { connector: entraIdConnector, config: at(entraConfig(server, 'happy-path')) },
      { connector: gitHubConnector, config: at(gitHubConfig(server, github)) },
    ];
  };

  it('the stored graph answers "what runs as Legacy Reporting" with the workflow and its privileges', async () => {
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, instances('happy-path'), { mode: 'full', syncId: 'ci-1', drift: false });
    const legacy = (await storage.getNodesByType('acme', 'identity')).find((n) => n.displayName === 'Legacy Reporting' && n.properties.identitySubtype === 'service_principal')!;
    const chains = await findExecutionChains(storage, 'acme', { to: legacy.nodeId });
    expect(chains.map((c) => c.nodes.map((n) => n.displayName))).toEqual([
      ['contoso/infra-deploy: Deploy infrastructure', 'Legacy Reporting: github-infra-deploy-production', 'Legacy Reporting'],
    ]);
    expect((await privilegesOf(storage, 'acme', legacy.nodeId)).privilegedRoles.map((r) => r.displayName)).toEqual(['Application Administrator']);
  });

  it('workflows are entry points; a secret beside a deleted app\'s client id is a partial chain that says what was searched', async () => {
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, instances('happy-path'), { mode: 'full', syncId: 'ci-1', drift: false });
    const verdicts = await findChainVerdicts(storage, 'acme', {});
    const github = verdicts.filter((v) => v.path.startNode.sourceSystem === 'github');
    expect(github.map((v) => [v.kind, v.entryPoint, v.path.nodes.map((n) => n.displayName).join(' > ')]).sort()).toEqual([
      ['authenticates_as', true, 'contoso/hr-onboarding: Provision accounts > Workday HR Sync: github-hr-repositories-main > Workday HR Sync'],
      ['authenticates_as', true, 'contoso/infra-deploy: Deploy infrastructure > Legacy Reporting: github-infra-deploy-production > Legacy Reporting'],
      ['authenticates_as', true, 'contoso/legacy-scripts: HR directory sync > HR_SYNC_SECRET (contoso/legacy-scripts) > Workday HR Sync'],
      ['partial', true, 'contoso/legacy-scripts: Nightly report > LEGACY_SP_SECRET (contoso/legacy-scripts)'],
      ['partial', true, 'contoso/web-app: CI > NPM_TOKEN (organization)'],
    ]);
    const deleted = github.find((v) => v.kind === 'partial' && v.path.startNode.displayName.endsWith('Nightly report'))!;
    expect(deleted.stop).toMatchObject({
      reason: 'stops_at_credential',
      searched: { field: 'clientId', value: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', against: 'appId', candidates: 3 },
    });
    expect(deleted.stop?.detail).toMatch(/matches no identity/);
  });

  it('a new workflow reaching a privileged identity is a chain_added finding', async () => {
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, instances('happy-path'), { mode: 'full', syncId: 'ci-1', drift: false });
    await runTenantSync(storage, instances('scope-drift', 1), { mode: 'full', syncId: 'ci-2', drift: false });
    const report = await computeDrift(storage, 'acme', { since: 'ci-1.github-contoso', until: 'ci-2.github-contoso' });
    const added = report.findings.filter((f) => f.type === 'chain_added');
    expect(added.map((f) => f.summary)).toEqual([expect.stringMatching(/^new execution chain: .*Deploy staging.*github-web-app-staging.*Legacy Reporting/)]);
    expect(added[0]?.severity).toBe('high');
    expect(added[0]?.entityIds).toEqual([
      expect.stringContaining('workflow/contoso/web-app/.github/workflows/deploy-staging.yml'),
      expect.stringContaining('/federatedIdentityCredentials/f1c0a001-1111-4a2b-8c3d-000000000002'),
      expect.stringContaining('9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b'), // the Legacy Reporting service principal
    ]);
  });
});

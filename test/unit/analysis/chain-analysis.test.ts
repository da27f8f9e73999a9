import { beforeAll, describe, expect, it } from 'vitest';
import { findChainVerdicts } from '../../../src/analysis/chain-verdicts.ts';
import type { ChainVerdict } from '../../../src/analysis/chain-verdicts.ts';
import { chainId, findExecutionChains, findPathsToIdentities, maximalChains, reversePath } from '../../../src/analysis/execution-chains.ts';
import { findInboundPaths } from '../../../src/analysis/inbound-chains.ts';
import { connectionStopDetail, findPartialPaths, findPartialPathsEndingAt } from '../../../src/analysis/partial-chains.ts';
import { privilegesOf } from '../../../src/analysis/privileges.ts';
import { ownershipOf } from '../../../src/analysis/ownership-report.ts';
import type { NormalizedEdge, NormalizedNode } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { makeEdge, makeGraph, makeNode, person } from '../../support/graph-builders.ts';

// The chain analysis on a small two-system tenant held by the in-process memory adapter: every
// verdict kind, the order and filters of findChainVerdicts, the stop reasons of partial chains in
// the words an analyst reads, privileges and ownership. One test per rule, exact answers.

const ENTRA = '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77';
const APP_ID = '9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19';
const auto = (id: string, automationSubtype: 'business_rule' | 'scheduled_job' | 'script_include', status: NormalizedNode['status'] = 'active') =>
  makeNode(
    'automation',
    'servicenow',
    id,
    { automationSubtype, executionMode: 'autonomous', securityRelevance: 'active_external', ownershipState: 'unattributed' },
    { status },
  );
const conn = (id: string, authMethod?: string) =>
  makeNode('connection', 'servicenow', id, { connectionSubtype: 'rest_message', ...(authMethod ? { authMethod } : {}) });
const cred = (id: string, properties: Record<string, unknown>) =>
  makeNode('credential', 'servicenow', id, { credentialSubtype: 'oauth_profile', ...properties });
const identity = (sourceSystem: 'entra_id' | 'servicenow', id: string, properties: Record<string, unknown> = {}) =>
  makeNode('identity', sourceSystem, id, { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned', ...properties });

const sp = identity('entra_id', 'sp-graph', { appId: APP_ID });
const spCaller = identity('entra_id', 'sp-caller', { appId: '11111111-2222-4333-8444-555555555555' });
const registration = identity('entra_id', 'app-reg', { identitySubtype: 'oauth_app', appId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' });
const svcUser = identity('servicenow', 'svc-user', { identitySubtype: 'integration_user' });
const rule = auto('a-rule', 'business_rule');
const include = auto('b-include', 'script_include');
const orphanInclude = auto('c-orphan-include', 'script_include');
const job = auto('d-job', 'scheduled_job');
const basicJob = auto('e-basic-job', 'scheduled_job');
const crmJob = auto('f-crm-job', 'scheduled_job');
const bareJob = auto('g-bare-job', 'scheduled_job');
const graphApi = conn('graph-api', 'oauth2');
const basicApi = conn('basic-api', 'basic');
const crmApi = conn('crm-api', 'oauth2');
const bareApi = conn('bare-api', 'oauth2');
const graphProfile = cred('graph-profile', { clientId: APP_ID });
const crmProfile = cred('crm-profile', { clientId: 'deadbeef-0000-4000-8000-000000000000' });
const bareProfile = cred('bare-profile', {});
const role = makeNode('role', 'entra_id', 'role-admin', { roleName: 'Global Administrator', roleSubtype: 'directory', isPrivileged: true });
const plainRole = makeNode('role', 'entra_id', 'role-reader', { roleName: 'Reader', roleSubtype: 'directory', isPrivileged: false });
const adminPerm = makeNode('permission', 'entra_id', 'perm-admin', {
  permissionName: 'Directory.ReadWrite.All',
  normalizedAction: 'admin',
  scope: 'directory',
});
const delegatePerm = makeNode('permission', 'entra_id', 'perm-delegate', {
  permissionName: 'AppRoleAssignment.ReadWrite.All',
  normalizedAction: 'delegate',
  scope: 'directory',
});
const readPerm = makeNode('permission', 'entra_id', 'perm-read', { permissionName: 'User.Read.All', normalizedAction: 'read', scope: 'users' });
const owner = person('servicenow', 'owner', {}, { displayName: 'Olga Owner' });
const ownerTeam = person('servicenow', 'team', {}, { displayName: 'Integration team' });

const nodes: NormalizedNode[] = [
  sp,
  spCaller,
  registration,
  svcUser,
  rule,
  include,
  orphanInclude,
  job,
  basicJob,
  crmJob,
  bareJob,
  graphApi,
  basicApi,
  crmApi,
  bareApi,
  graphProfile,
  crmProfile,
  bareProfile,
  role,
  plainRole,
  adminPerm,
  delegatePerm,
  readPerm,
  owner,
  ownerTeam,
];
const edges: NormalizedEdge[] = [
  makeEdge('CALLS', rule, include),
  makeEdge('INVOKES', include, graphApi),
  makeEdge('INVOKES', orphanInclude, graphApi),
  makeEdge('USES', graphApi, graphProfile),
  makeEdge('AUTHENTICATES_AS', graphProfile, sp),
  makeEdge('RUNS_AS', job, svcUser),
  makeEdge('INVOKES', basicJob, basicApi),
  makeEdge('INVOKES', crmJob, crmApi),
  makeEdge('USES', crmApi, crmProfile),
  makeEdge('INVOKES', bareJob, bareApi),
  makeEdge('USES', bareApi, bareProfile),
  makeEdge('AUTHENTICATES_TO', spCaller, svcUser),
  makeEdge('AUTHENTICATES_TO', sp, spCaller),
  makeEdge('HAS_ROLE', sp, role),
  makeEdge('HAS_ROLE', sp, plainRole),
  makeEdge('GRANTS', role, adminPerm),
  makeEdge('GRANTS', sp, delegatePerm),
  makeEdge('GRANTS', plainRole, readPerm),
  makeEdge('OWNED_BY', svcUser, owner),
  makeEdge('CREATED_BY', svcUser, ownerTeam),
  makeEdge('BELONGS_TO', owner, ownerTeam),
];

const storage = MemoryStorageAdapter.create();
const T = 'tenant-analysis';
const names = (v: ChainVerdict) => v.path.nodes.map((n) => n.sourceId).join(' > ');
const summary = (vs: ChainVerdict[]) => vs.map((v) => [v.kind, names(v), v.stop?.reason ?? null, v.entryPoint]);

beforeAll(async () => {
  await applyGraph(storage, { ...makeGraph('all', nodes, edges), tenantId: T });
});

describe('findChainVerdicts', () => {
  it('gives every chain its verdict, ordered by start node, then edges', async () => {
    expect(summary(await findChainVerdicts(storage, T, {}))).toEqual([
      ['inbound_oauth', 'sp-caller > svc-user', null, true],
      ['authenticates_as', 'a-rule > b-include > graph-api > graph-profile > sp-graph', null, true],
      ['latent', 'c-orphan-include > graph-api > graph-profile > sp-graph', null, false],
      ['runs_as', 'd-job > svc-user', null, true],
      ['partial', 'e-basic-job > basic-api', 'stops_at_connection', true],
      ['partial', 'f-crm-job > crm-api > crm-profile', 'stops_at_credential', true],
      ['partial', 'g-bare-job > bare-api > bare-profile', 'stops_at_credential', true],
    ]);
  });

  it('returns only the kinds asked for, up to the limit', async () => {
    expect(summary(await findChainVerdicts(storage, T, { kinds: ['runs_as'] }))).toEqual([['runs_as', 'd-job > svc-user', null, true]]);
    expect(summary(await findChainVerdicts(storage, T, { kinds: ['latent'] }))).toEqual([
      ['latent', 'c-orphan-include > graph-api > graph-profile > sp-graph', null, false],
    ]);
    expect((await findChainVerdicts(storage, T, { kinds: ['partial'] })).map((v) => v.kind)).toEqual(['partial', 'partial', 'partial']);
    expect((await findChainVerdicts(storage, T, { kinds: ['inbound_oauth'] })).map(names)).toEqual(['sp-caller > svc-user']);
    expect((await findChainVerdicts(storage, T, { kinds: ['authenticates_as'] })).map(names)).toEqual([
      'a-rule > b-include > graph-api > graph-profile > sp-graph',
    ]);
    expect((await findChainVerdicts(storage, T, { limit: 2 })).map((v) => v.kind)).toEqual(['inbound_oauth', 'authenticates_as']);
  });

  it('a query for chains ending at an identity has no partial chains; one from an automation no inbound ones', async () => {
    expect(summary(await findChainVerdicts(storage, T, { to: svcUser.nodeId }))).toEqual([
      ['inbound_oauth', 'sp-caller > svc-user', null, true],
      ['runs_as', 'd-job > svc-user', null, true],
    ]);
    expect(summary(await findChainVerdicts(storage, T, { from: crmJob.nodeId }))).toEqual([
      ['partial', 'f-crm-job > crm-api > crm-profile', 'stops_at_credential', true],
    ]);
  });
});

describe('execution chains', () => {
  it('only entry points start one; walking back from the identity gives automation-first chains', async () => {
    expect((await findExecutionChains(storage, T, {})).map((p) => p.startNode.sourceId)).toEqual(['a-rule', 'd-job']);
    const toSp = await findExecutionChains(storage, T, { to: sp.nodeId });
    expect(toSp.map((p) => p.nodes.map((n) => n.sourceId))).toEqual([['a-rule', 'b-include', 'graph-api', 'graph-profile', 'sp-graph']]);
    expect(toSp[0]).toMatchObject({ startNode: { nodeId: rule.nodeId }, endNode: { nodeId: sp.nodeId }, depth: 4 });
    expect(await findExecutionChains(storage, T, { to: sp.nodeId, from: job.nodeId })).toEqual([]);
    expect((await findExecutionChains(storage, T, { to: sp.nodeId, from: rule.nodeId })).length).toBe(1);
    expect((await findExecutionChains(storage, T, { limit: 1 })).length).toBe(1);
  });

  it('a chain longer than maxDepth is not found; the latent path counts among the paths to identities', async () => {
    expect(await findExecutionChains(storage, T, { to: sp.nodeId, maxDepth: 3 })).toEqual([]);
    expect((await findPathsToIdentities(storage, T, { to: sp.nodeId })).map((p) => p.startNode.sourceId)).toEqual(['a-rule', 'c-orphan-include']);
    expect((await findPathsToIdentities(storage, T, { from: orphanInclude.nodeId })).map((p) => p.endNode.sourceId)).toEqual(['sp-graph']);
  });

  it('an identity in the middle ends a chain: sp AUTHENTICATES_TO another identity is no longer chain', async () => {
    const paths = await findPathsToIdentities(storage, T, {});
    expect(paths.every((p) => p.nodes.slice(1, -1).every((n) => n.nodeType !== 'identity'))).toBe(true);
    expect(paths.map((p) => p.endNode.sourceId)).toEqual(['sp-graph', 'sp-graph', 'svc-user']);
  });

  it('maximalChains folds a chain into the longer one it ends, reversePath turns a path around, chainId is stable', async () => {
    const [full] = await findExecutionChains(storage, T, { from: rule.nodeId });
    const tail = { nodes: full!.nodes.slice(1), edges: full!.edges.slice(1), depth: 3, startNode: full!.nodes[1]!, endNode: full!.endNode };
    expect(maximalChains([tail, full!])).toEqual([full]);
    expect(maximalChains([tail])).toEqual([tail]);
    const back = reversePath(full!);
    expect(back.nodes.map((n) => n.sourceId)).toEqual(['sp-graph', 'graph-profile', 'graph-api', 'b-include', 'a-rule']);
    expect(back).toMatchObject({ startNode: { sourceId: 'sp-graph' }, endNode: { sourceId: 'a-rule' }, depth: 4 });
    expect(back.edges.map((e) => e.edgeType)).toEqual(['AUTHENTICATES_AS', 'USES', 'INVOKES', 'CALLS']);
    expect(chainId(full!)).toMatch(/^chain:[0-9a-f]{24}$/);
    expect(chainId({ ...full! })).toBe(chainId(full!));
    expect(chainId(tail)).not.toBe(chainId(full!));
  });
});

describe('inbound chains', () => {
  it('only across systems: an app of one system authenticating to an identity of another', async () => {
    expect((await findInboundPaths(storage, T, {})).map((p) => p.nodes.map((n) => n.sourceId))).toEqual([['sp-caller', 'svc-user']]);
    expect((await findInboundPaths(storage, T, { to: svcUser.nodeId })).map((p) => p.startNode.sourceId)).toEqual(['sp-caller']);
    expect(await findInboundPaths(storage, T, { to: spCaller.nodeId })).toEqual([]);
    expect(await findInboundPaths(storage, T, { from: spCaller.nodeId })).toEqual([]);
  });
});

describe('partial chains: where and why they stop', () => {
  it('names the stop at a connection and at a credential, with what was searched', async () => {
    const partial = await findPartialPaths(storage, T, {});
    expect(partial.map((p) => [names({ path: p.path } as ChainVerdict), p.stop])).toEqual([
      ['e-basic-job > basic-api', { reason: 'stops_at_connection', nodeId: basicApi.nodeId, detail: connectionStopDetail('basic'), searched: null }],
      [
        'f-crm-job > crm-api > crm-profile',
        {
          reason: 'stops_at_credential',
          nodeId: crmProfile.nodeId,
          detail: `client id deadbeef-0000-4000-8000-000000000000 matches no identity: searched the appId of 2 identities (entra_id:${ENTRA}), case-insensitively; a deleted app or another tenant's app`,
          searched: { field: 'clientId', value: 'deadbeef-0000-4000-8000-000000000000', against: 'appId', candidates: 2, scopes: [`entra_id:${ENTRA}`] },
        },
      ],
      [
        'g-bare-job > bare-api > bare-profile',
        {
          reason: 'stops_at_credential',
          nodeId: bareProfile.nodeId,
          detail: 'the credential carries no client id: nothing to match it to an identity',
          searched: { field: 'clientId', value: null, against: 'appId', candidates: 2, scopes: [`entra_id:${ENTRA}`] },
        },
      ],
    ]);
    expect((await findPartialPaths(storage, T, { from: basicJob.nodeId })).map((p) => p.stop.nodeId)).toEqual([basicApi.nodeId]);
  });

  it('ending at one node: its chains when it is a stop, none when it goes on or is no stop at all', async () => {
    expect((await findPartialPathsEndingAt(storage, T, crmProfile.nodeId)).map((p) => [names({ path: p.path } as ChainVerdict), p.stop.reason])).toEqual([
      ['f-crm-job > crm-api > crm-profile', 'stops_at_credential'],
    ]);
    expect((await findPartialPathsEndingAt(storage, T, basicApi.nodeId)).map((p) => p.path.startNode.sourceId)).toEqual(['e-basic-job']);
    expect(await findPartialPathsEndingAt(storage, T, graphApi.nodeId)).toEqual([]);
    expect(await findPartialPathsEndingAt(storage, T, graphProfile.nodeId)).toEqual([]);
    expect(await findPartialPathsEndingAt(storage, T, job.nodeId)).toEqual([]);
    expect(await findPartialPathsEndingAt(storage, T, 'servicenow:x:nothing')).toEqual([]);
    expect(await findPartialPathsEndingAt(storage, T, crmProfile.nodeId, '2001-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('counts the candidates in the singular, and says when no identity provider was read', async () => {
    const one = MemoryStorageAdapter.create();
    await applyGraph(one, {
      ...makeGraph('one', [crmJob, crmApi, crmProfile, sp, registration], [makeEdge('INVOKES', crmJob, crmApi), makeEdge('USES', crmApi, crmProfile)]),
      tenantId: T,
    });
    expect((await findPartialPaths(one, T, {}))[0]?.stop.detail).toContain('searched the appId of 1 identity (');
    const none = MemoryStorageAdapter.create();
    await applyGraph(none, {
      ...makeGraph('none', [crmJob, crmApi, crmProfile], [makeEdge('INVOKES', crmJob, crmApi), makeEdge('USES', crmApi, crmProfile)]),
      tenantId: T,
    });
    expect((await findPartialPaths(none, T, {}))[0]?.stop).toMatchObject({
      detail:
        "client id deadbeef-0000-4000-8000-000000000000 could not be matched: no identity with an appId is stored (is the identity provider's connector configured?)",
      searched: { candidates: 0, scopes: [] },
    });
  });

  it('an ownership edge on a connection or credential is no hop: they still stop the chain', async () => {
    const s = MemoryStorageAdapter.create();
    const edges = [
      makeEdge('INVOKES', basicJob, basicApi),
      makeEdge('OWNED_BY', basicApi, owner),
      makeEdge('INVOKES', crmJob, crmApi),
      makeEdge('USES', crmApi, crmProfile),
      makeEdge('OWNED_BY', crmProfile, owner),
    ];
    await applyGraph(s, { ...makeGraph('own', [basicJob, basicApi, crmJob, crmApi, crmProfile, owner], edges), tenantId: T });
    expect((await findPartialPaths(s, T, {})).map((p) => p.stop.reason)).toEqual(['stops_at_connection', 'stops_at_credential']);
  });

  it('library code that stops short is a latent path, with its stop', async () => {
    const s = MemoryStorageAdapter.create();
    await applyGraph(s, { ...makeGraph('lib', [orphanInclude, basicApi], [makeEdge('INVOKES', orphanInclude, basicApi)]), tenantId: T });
    expect(summary(await findChainVerdicts(s, T, { kinds: ['latent'] }))).toEqual([['latent', 'c-orphan-include > basic-api', 'stops_at_connection', false]]);
    expect(await findChainVerdicts(s, T, { kinds: ['partial'] })).toEqual([]);
  });

  it('lists the searched source instances sorted, joined in the detail', async () => {
    const s = MemoryStorageAdapter.create();
    const other = identity('entra_id', 'sp-other', { appId: 'aaaaaaaa-0000-4000-8000-000000000000' });
    const otherScoped = { ...other, sourceScope: '00000000-tenant-b', nodeId: 'entra_id:00000000-tenant-b:sp-other' };
    const gh = makeNode('identity', 'github', 'app', { identitySubtype: 'github_app', executionMode: 'autonomous', ownershipState: 'owned', appId: '12345' });
    await applyGraph(s, {
      ...makeGraph('ids', [gh, sp, otherScoped, crmJob, crmApi, crmProfile], [makeEdge('INVOKES', crmJob, crmApi), makeEdge('USES', crmApi, crmProfile)]),
      tenantId: T,
    });
    const [partial] = await findPartialPaths(s, T, {});
    expect(partial?.stop.searched?.scopes).toEqual(['entra_id:00000000-tenant-b', `entra_id:${ENTRA}`, 'github:contoso']);
    expect(partial?.stop.detail).toContain(`searched the appId of 3 identities (entra_id:00000000-tenant-b, entra_id:${ENTRA}, github:contoso)`);
  });

  it('a CI secret stands for the client id passed beside it', async () => {
    const secret = makeNode('credential', 'github', 'AZURE_SECRET', { credentialSubtype: 'ci_secret', pairedClientIds: ['abc-123', 'def-456'] });
    const wf = makeNode('automation', 'github', 'deploy.yml', {
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'active_external',
      ownershipState: 'unattributed',
    });
    const ci = MemoryStorageAdapter.create();
    await applyGraph(ci, { ...makeGraph('gh', [wf, secret], [makeEdge('USES', wf, secret)]), tenantId: T });
    expect((await findPartialPaths(ci, T, {}))[0]?.stop.searched).toMatchObject({ value: 'abc-123' });
  });

  it.each([
    ['basic', 'authenticates with a stored user name and password (basic auth): no credential record to follow to an identity'],
    ['Basic_Auth', 'authenticates with a stored user name and password (basic auth): no credential record to follow to an identity'],
    [undefined, 'no authentication configured on the connection: credentials, if any, are inline in the request'],
    ['no_authentication', 'no authentication configured on the connection: credentials, if any, are inline in the request'],
    ['None', 'no authentication configured on the connection: credentials, if any, are inline in the request'],
    ['OAuth2', 'OAuth 2.0 is configured but the connection names no stored OAuth profile'],
    ['mutual_tls', 'unknown authentication type "mutual_tls": no credential hop can be followed'],
  ])('connection auth %s reads: %s', (method, detail) => {
    expect(connectionStopDetail(method)).toBe(detail);
  });
});

describe('privileges and ownership', () => {
  it('privileged roles and admin / delegate permissions, directly or through a role', async () => {
    const p = await privilegesOf(storage, T, sp.nodeId);
    expect(p.privilegedRoles.map((n) => n.sourceId)).toEqual(['role-admin']);
    expect(p.powerfulPermissions.map((n) => n.sourceId).sort()).toEqual(['perm-admin', 'perm-delegate']);
    expect(await privilegesOf(storage, T, svcUser.nodeId)).toEqual({ privilegedRoles: [], powerfulPermissions: [] });
  });

  it('reads the ownership verdict of a stored node, at a moment when asked', async () => {
    const report = await ownershipOf(storage, T, svcUser.nodeId);
    expect(report?.node.nodeId).toBe(svcUser.nodeId);
    expect(report?.state).toBe('owned');
    expect(report?.owners.map((o) => [o.displayName, o.via])).toEqual([['Olga Owner', 'OWNED_BY']]);
    expect(report?.signals.map((s) => s.kind)).toEqual(['maintainer_hint_ignored', 'owner_active']);
    expect((await ownershipOf(storage, T, job.nodeId))?.state).toBe('unattributed');
    expect(await ownershipOf(storage, T, 'servicenow:x:nothing')).toBeNull();
    expect(await ownershipOf(storage, T, svcUser.nodeId, '2001-01-01T00:00:00.000Z')).toBeNull();
  });

  it('an owner who has left is answered for by the team they belonged to', async () => {
    const s = MemoryStorageAdapter.create();
    const left = person('servicenow', 'owner', { departedAt: '2999-01-01T00:00:00.000Z' }, { displayName: 'Olga Owner' });
    const bystander = person('servicenow', 'bystander', {}, { displayName: 'Bystander' });
    await applyGraph(s, {
      // The owner's own OWNED_BY (of something else) is no parent link: only BELONGS_TO names a team.
      ...makeGraph(
        'own',
        [svcUser, left, ownerTeam, bystander],
        [makeEdge('OWNED_BY', svcUser, left), makeEdge('BELONGS_TO', left, ownerTeam), makeEdge('OWNED_BY', left, bystander)],
      ),
      tenantId: T,
    });
    // Today the owner still answers; judged after the departure date (the moment is passed down
    // to the verdict), the team does.
    expect((await ownershipOf(s, T, svcUser.nodeId))?.owners.map((o) => [o.displayName, o.via, o.active])).toEqual([['Olga Owner', 'OWNED_BY', true]]);
    const after = await ownershipOf(s, T, svcUser.nodeId, '2999-06-01T00:00:00.000Z');
    expect(after?.owners.map((o) => [o.displayName, o.via, o.active])).toEqual([
      ['Olga Owner', 'OWNED_BY', false],
      ['Integration team', 'BELONGS_TO', true],
    ]);
    expect(after?.state).toBe('owned');
  });
});

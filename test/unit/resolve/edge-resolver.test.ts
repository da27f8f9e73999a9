import { describe, expect, it } from 'vitest';
import { EdgeResolver } from '../../../src/resolve/edge-resolver.ts';
import type { ExtractionScope, NodeType, NormalizedGraph, NormalizedNode, ResolverHints } from '../../../src/model/index.ts';
import { makeEdge, makeGraph, makeNode } from '../../support/graph-builders.ts';

// The EdgeResolver across connector graphs of one tenant: where each inferred edge goes, that it
// is never doubled, which edge types a graph may call complete afterwards (the diff deletes only
// within complete types), and which automations reach an external system.

const APP_ID = '9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19';
const sp = makeNode('identity', 'entra_id', 'sp-graph', {
  identitySubtype: 'service_principal',
  executionMode: 'autonomous',
  ownershipState: 'owned',
  appId: APP_ID,
});
const profile = makeNode('credential', 'servicenow', 'profile-1', { credentialSubtype: 'oauth_profile', clientId: APP_ID.toUpperCase() });
const job = makeNode('automation', 'servicenow', 'job-1', {
  automationSubtype: 'scheduled_job',
  executionMode: 'autonomous',
  securityRelevance: 'internal_inventory',
  ownershipState: 'unattributed',
});
const include = makeNode(
  'automation',
  'servicenow',
  'include-1',
  { automationSubtype: 'script_include', executionMode: 'unknown', securityRelevance: 'internal_inventory', ownershipState: 'unattributed' },
  { displayName: 'GraphSync' },
);
const message = makeNode(
  'connection',
  'servicenow',
  'rest-1',
  { connectionSubtype: 'rest_message', targetUrl: 'https://graph.microsoft.com' },
  { displayName: 'Graph' },
);
const table = makeNode('resource', 'servicenow', 'incident', { resourceSubtype: 'table', businessDomain: 'it_ops', sensitivity: 'internal' });

const ALL: NodeType[] = ['identity', 'automation', 'connection', 'credential', 'human_identity', 'role', 'permission', 'resource', 'execution_evidence'];
const scope = (completeNodeTypes: NodeType[] = ALL, completeEdgeTypes: ExtractionScope['completeEdgeTypes'] = []): ExtractionScope => ({
  completeNodeTypes,
  completeEdgeTypes,
});
const entra = (extra: Partial<NormalizedGraph> = {}) => makeGraph('entra', [sp], [], { extractionScope: scope(), ...extra });
const sn = (nodes = [profile, job, include, message, table], extra: Partial<NormalizedGraph> = {}) =>
  makeGraph('sn', nodes, [], { extractionScope: scope(), ...extra });
const hints = (over: Partial<ResolverHints> = {}): ResolverHints => ({ scripts: [], runAs: [], triggers: [], ...over });
const resolve = (...args: Parameters<EdgeResolver['resolve']>) => new EdgeResolver().resolve(...args);

describe('EdgeResolver: where edges go', () => {
  it('puts a cross-system edge into the graph that owns its source node, and counts it', () => {
    const out = resolve([{ graph: entra() }, { graph: sn() }]);
    const auth = makeEdge('AUTHENTICATES_AS', profile, sp);
    expect(out.resolvedEdges.map((e) => e.edgeId)).toEqual([auth.edgeId]);
    expect(out.counts).toEqual({ AUTHENTICATES_AS: 1 });
    expect(out.graphs[0]?.edges).toEqual([]);
    expect(out.graphs[1]?.edges.map((e) => e.edgeId)).toEqual([auth.edgeId]);
  });

  it('never adds an edge the graph already has', () => {
    const existing = makeEdge('AUTHENTICATES_AS', profile, sp);
    const out = resolve([{ graph: entra() }, { graph: { ...sn(), edges: [existing] } }]);
    expect(out.resolvedEdges).toEqual([]);
    expect(out.counts).toEqual({});
    expect(out.graphs[1]?.edges).toEqual([existing]);
  });

  it('adds an edge found twice only once', () => {
    const twice = hints({
      scripts: [
        { nodeId: job.nodeId, field: 'script', text: 'new GraphSync(); new GraphSync();' },
        { nodeId: job.nodeId, field: 'condition', text: 'GraphSync.run()' },
      ],
    });
    const out = resolve([{ graph: sn([job, include]), hints: twice }]);
    expect(out.resolvedEdges.map((e) => e.edgeType)).toEqual(['CALLS']);
    expect(out.counts).toEqual({ CALLS: 1 });
  });

  it('reads script hints only of the graph that carries them, against its own nodes', () => {
    const text = hints({ scripts: [{ nodeId: job.nodeId, field: 'script', text: "new GraphSync(); new sn_ws.RESTMessageV2('Graph', 'get');" }] });
    const withHints = resolve([{ graph: sn([job]) }, { graph: sn([include, message]), hints: text }]);
    expect(withHints.resolvedEdges).toEqual([]);
    const same = resolve([{ graph: sn([job, include, message]), hints: text }]);
    expect(same.counts).toEqual({ CALLS: 1, INVOKES: 1 });
  });

  it('drops an edge whose source node is in no input graph', () => {
    const out = resolve([
      { graph: entra() },
      {
        graph: makeGraph('sn', [job], [], { extractionScope: scope() }),
        hints: hints({ runAs: [{ nodeId: 'servicenow:x:missing', runAs: job.nodeId, runAsType: 'configured' }] }),
      },
    ]);
    expect(out.resolvedEdges).toEqual([]);
    expect(out.counts).toEqual({});
  });
});

describe('EdgeResolver: completeness of the resolved edge types', () => {
  const completeEdges = (out: ReturnType<typeof resolve>, index: number) => out.graphs[index]?.extractionScope?.completeEdgeTypes;

  it('a graph without an extraction scope keeps none', () => {
    const out = resolve([{ graph: makeGraph('entra', [sp]) }, { graph: makeGraph('sn', [profile]) }]);
    expect(out.graphs.every((g) => !('extractionScope' in g))).toBe(true);
  });

  it('script-derived edge types are complete when their node types were read whole and hints were given', () => {
    const partial = scope(['automation', 'identity', 'human_identity', 'credential']);
    const out = resolve([{ graph: entra() }, { graph: sn(undefined, { extractionScope: partial }), hints: hints() }]);
    expect(completeEdges(out, 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO', 'CALLS', 'RUNS_AS']);
    const noHints = resolve([{ graph: entra() }, { graph: sn(undefined, { extractionScope: partial }) }]);
    expect(completeEdges(noHints, 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO']);
    const whole = resolve([{ graph: entra() }, { graph: sn(), hints: hints() }]);
    expect(completeEdges(whole, 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO', 'CALLS', 'INVOKES', 'RUNS_AS', 'TRIGGERS_ON']);
  });

  it("a source's authentication edges are complete only when the provider's principals and its own credentials were read whole", () => {
    expect(completeEdges(resolve([{ graph: entra({ extractionScope: scope(['credential']) }) }, { graph: sn() }]), 1)).toEqual([]);
    expect(
      completeEdges(resolve([{ graph: entra() }, { graph: sn(undefined, { extractionScope: scope(['identity'], ['AUTHENTICATES_AS', 'HAS_ROLE']) }) }]), 1),
    ).toEqual(['HAS_ROLE']);
    // No provider graph in this run: nothing says the principal is still there.
    expect(completeEdges(resolve([{ graph: sn(undefined, { extractionScope: scope(ALL, ['AUTHENTICATES_AS']) }) }]), 0)).toEqual([]);
    // A provider graph without a scope was read whole.
    expect(completeEdges(resolve([{ graph: makeGraph('entra', [sp]) }, { graph: sn() }]), 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO']);
  });

  it('a failed connector anywhere makes no cross-system edge type complete', () => {
    const out = resolve([{ graph: entra() }, { graph: sn() }], { someConnectorFailed: true });
    expect(completeEdges(out, 0)).toEqual([]);
    expect(completeEdges(out, 1)).toEqual([]);
    expect(completeEdges(resolve([{ graph: entra() }, { graph: sn() }], { someConnectorFailed: false }), 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO']);
  });

  it('a graph with hints but no credentials still has its authentication edge types judged', () => {
    const out = resolve([
      { graph: entra({ extractionScope: scope([]) }) },
      { graph: sn([job], { extractionScope: scope(ALL, ['AUTHENTICATES_AS', 'AUTHENTICATES_TO']) }), hints: hints() },
    ]);
    expect(completeEdges(out, 1)).not.toContain('AUTHENTICATES_AS');
    const noHints = resolve([{ graph: entra({ extractionScope: scope([]) }) }, { graph: sn([job], { extractionScope: scope(ALL, ['AUTHENTICATES_AS']) }) }]);
    expect(completeEdges(noHints, 1)).toEqual(['AUTHENTICATES_AS']);
  });

  it("the provider's inbound AUTHENTICATES_TO is complete only when every other source's registrations and users were read whole", () => {
    const provider = (s: ExtractionScope) => entra({ extractionScope: s });
    expect(completeEdges(resolve([{ graph: provider(scope()) }, { graph: sn() }]), 0)).toEqual(['AUTHENTICATES_TO']);
    expect(completeEdges(resolve([{ graph: provider(scope(['credential'], ['AUTHENTICATES_TO'])) }, { graph: sn() }]), 0)).toEqual([]);
    expect(completeEdges(resolve([{ graph: provider(scope()) }, { graph: sn(undefined, { extractionScope: scope(['identity']) }) }]), 0)).toEqual([]);
    expect(completeEdges(resolve([{ graph: provider(scope()) }, { graph: sn(undefined, { extractionScope: scope(['credential']) }) }]), 0)).toEqual([]);
    // The provider alone saw no other source's registrations: it can say nothing about them.
    expect(completeEdges(resolve([{ graph: provider(scope(ALL, ['AUTHENTICATES_TO'])) }]), 0)).toEqual([]);
    // A source without credentials has no registrations to wait for.
    expect(completeEdges(resolve([{ graph: provider(scope()) }, { graph: sn([job]) }, { graph: sn() }]), 0)).toEqual(['AUTHENTICATES_TO']);
  });

  it('an identity provider is a graph holding a principal with an app id, whatever else it holds', () => {
    const role = makeNode('role', 'entra_id', 'role-1', { roleName: 'Reader', roleSubtype: 'directory', isPrivileged: false });
    const withRole = resolve([{ graph: entra({ nodes: [sp, role] }) }, { graph: sn() }]);
    expect(completeEdges(withRole, 0)).toEqual(['AUTHENTICATES_TO']);
    expect(completeEdges(withRole, 1)).toEqual(['AUTHENTICATES_AS', 'AUTHENTICATES_TO']);
    // An app registration or an identity without an app id makes no provider: the source's auth edges have no principals to be complete against.
    const registration = makeNode('identity', 'entra_id', 'reg', {
      identitySubtype: 'oauth_app',
      executionMode: 'autonomous',
      ownershipState: 'owned',
      appId: APP_ID,
    });
    const noAppId = makeNode('identity', 'entra_id', 'plain', { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned' });
    expect(completeEdges(resolve([{ graph: entra({ nodes: [registration] }) }, { graph: sn() }]), 1)).toEqual([]);
    expect(completeEdges(resolve([{ graph: entra({ nodes: [noAppId] }) }, { graph: sn() }]), 1)).toEqual([]);
  });

  it("the provider's own credentials do not count among the other sources' registrations", () => {
    const fic = makeNode('credential', 'entra_id', 'fic', { credentialSubtype: 'federated_identity_credential' });
    const out = resolve([{ graph: entra({ nodes: [sp, fic], extractionScope: scope(['identity']) }) }, { graph: sn() }]);
    expect(completeEdges(out, 0)).toEqual(['AUTHENTICATES_TO']);
  });

  it('every other source with registrations must be whole, and a source without any is not waited for', () => {
    const two = resolve([{ graph: entra() }, { graph: sn() }, { graph: sn(undefined, { extractionScope: scope(['identity']) }) }]);
    expect(completeEdges(two, 0)).toEqual([]);
    const jobsOnly = resolve([{ graph: entra() }, { graph: sn(), hints: hints() }, { graph: sn([job], { extractionScope: scope([]) }) }]);
    expect(completeEdges(jobsOnly, 0)).toEqual(['AUTHENTICATES_TO']);
  });

  it("federation USES is complete only when the provider's principals and credentials were read whole", () => {
    const login = {
      job: 'deploy',
      step: 'login',
      action: 'azure/login@v2',
      provider: 'azure',
      mode: 'federated',
      clientId: APP_ID,
      clientIdFrom: 'literal',
      audience: 'api://AzureADTokenExchange',
      issuer: 'https://token.actions.githubusercontent.com',
      oidcPermission: 'granted',
      secretNames: [],
      claimSets: [{ sub: 'repo:contoso/infra:ref:refs/heads/main', pattern: false, basis: 'push', claims: {} }],
    };
    const workflow = makeNode('automation', 'github', 'deploy.yml', {
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'active_external',
      ownershipState: 'unattributed',
      oidcLogins: [login],
    });
    const gh = (nodes: NormalizedNode[] = [workflow]) => makeGraph('gh', nodes, [], { extractionScope: scope(ALL, ['USES']) });
    expect(completeEdges(resolve([{ graph: entra() }, { graph: gh() }]), 1)).toEqual(['USES']);
    expect(completeEdges(resolve([{ graph: entra({ extractionScope: scope(['identity']) }) }, { graph: gh() }]), 1)).toEqual([]);
    expect(completeEdges(resolve([{ graph: entra({ extractionScope: scope(['credential']) }) }, { graph: gh() }]), 1)).toEqual([]);
    // One provider read whole is enough; a second, partial one does not undo it.
    const partialProvider = { graph: makeGraph('entra-2', [{ ...sp, nodeId: 'entra_id:other:sp' }], [], { extractionScope: scope(['identity']) }) };
    expect(completeEdges(resolve([{ graph: entra() }, partialProvider, { graph: gh() }]), 2)).toEqual(['USES']);
    // A workflow graph with other nodes beside the one federating workflow still waits for the provider.
    const secret = makeNode('credential', 'github', 'SECRET', { credentialSubtype: 'ci_secret' });
    expect(completeEdges(resolve([{ graph: entra({ extractionScope: scope(['identity']) }) }, { graph: gh([workflow, secret]) }]), 1)).not.toContain('USES');
    // A workflow without a cloud login keeps its own USES edges complete.
    const plain = makeNode('automation', 'github', 'ci.yml', {
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'internal_inventory',
      ownershipState: 'unattributed',
      oidcLogins: [{ job: 'x' }],
    });
    expect(completeEdges(resolve([{ graph: entra({ extractionScope: scope(['identity']) }) }, { graph: gh([plain]) }]), 1)).toEqual(['USES']);
  });
});

describe('EdgeResolver: automations that reach an external system', () => {
  const relevance = (out: ReturnType<typeof resolve>, id: string) => {
    const n = out.graphs.flatMap((g) => g.nodes).find((x) => x.nodeId === id);
    return n?.nodeType === 'automation' ? n.properties.securityRelevance : undefined;
  };

  it('an active automation whose CALLS / INVOKES chain ends at a connection is active_external', () => {
    const rule = makeNode('automation', 'servicenow', 'rule-1', {
      automationSubtype: 'business_rule',
      executionMode: 'autonomous',
      securityRelevance: 'internal_inventory',
      ownershipState: 'unattributed',
    });
    const idle = { ...job, nodeId: 'servicenow:x:idle', status: 'disabled' as const };
    const lonely = makeNode('automation', 'servicenow', 'lonely', {
      automationSubtype: 'scheduled_job',
      executionMode: 'autonomous',
      securityRelevance: 'dormant_authority',
      ownershipState: 'unattributed',
    });
    const edges = [
      makeEdge('CALLS', job, include),
      makeEdge('INVOKES', include, message),
      makeEdge('CALLS', rule, include),
      makeEdge('CALLS', include, rule),
      makeEdge('CALLS', idle, include),
      makeEdge('RUNS_AS', lonely, message),
      makeEdge('CALLS', lonely, lonely),
    ];
    const out = resolve([{ graph: makeGraph('sn', [job, include, message, rule, idle, lonely], edges) }]);
    expect(relevance(out, job.nodeId)).toBe('active_external');
    expect(relevance(out, include.nodeId)).toBe('active_external');
    expect(relevance(out, rule.nodeId)).toBe('active_external');
    expect(relevance(out, idle.nodeId)).toBe('internal_inventory');
    expect(relevance(out, lonely.nodeId)).toBe('dormant_authority');
    // Calling another automation that reaches nothing outside is not external.
    const caller = makeNode('automation', 'servicenow', 'caller', {
      automationSubtype: 'scheduled_job',
      executionMode: 'autonomous',
      securityRelevance: 'internal_inventory',
      ownershipState: 'unattributed',
    });
    const inner = resolve([{ graph: makeGraph('sn', [caller, lonely], [makeEdge('CALLS', caller, lonely)]) }]);
    expect(relevance(inner, caller.nodeId)).toBe('internal_inventory');
  });
});

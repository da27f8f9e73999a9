import { describe, expect, it } from 'vitest';
import { resolveCallerEdges } from '../../../src/resolve/caller-edges.ts';
import type { NormalizedNode, ResolverHints } from '../../../src/model/index.ts';
import { makeEdge, makeNode, person } from '../../support/graph-builders.ts';

// Edges inside one ServiceNow instance that only script text or a reference field reveals: which
// node each reference lands on, the edge's properties, and its provenance.

const auto = (
  sourceId: string,
  automationSubtype: 'script_include' | 'business_rule' | 'scheduled_job',
  displayName: string,
  extra: Record<string, unknown> = {},
) =>
  makeNode(
    'automation',
    'servicenow',
    sourceId,
    { automationSubtype, executionMode: 'autonomous', securityRelevance: 'internal_inventory', ownershipState: 'unattributed', ...extra },
    { displayName },
  );
const job = auto('job-1', 'scheduled_job', 'Nightly directory sync');
const include = auto('inc-1', 'script_include', 'EntraDirectorySync', { apiName: 'global.EntraDirectorySync' });
const scoped = auto('inc-2', 'script_include', 'HR Utils', { apiName: 'x_hr.HRUtil' });
const unnamedApi = auto('inc-3', 'script_include', 'NoApi', { apiName: '' });
const rest = makeNode(
  'connection',
  'servicenow',
  'rest-1',
  {
    connectionSubtype: 'rest_message',
    methods: [
      { name: 'get user', httpMethod: 'GET' },
      { name: 'patch user', httpMethod: 'PATCH' },
    ],
  },
  { displayName: 'Microsoft Graph' },
);
const soap = makeNode('connection', 'servicenow', 'soap-1', { connectionSubtype: 'soap_message' }, { displayName: 'Legacy SOAP' });
const method = makeNode('connection', 'servicenow', 'method-1', { connectionSubtype: 'rest_method' }, { displayName: 'patch user' });
const runAsUser = person('servicenow', 'svc.sync', {}, { displayName: 'Sync Service' });
const table = makeNode(
  'resource',
  'servicenow',
  'incident',
  { resourceSubtype: 'table', businessDomain: 'it_ops', sensitivity: 'internal' },
  { displayName: 'incident' },
);
const nodes = new Map<string, NormalizedNode>([job, include, scoped, unnamedApi, rest, soap, method, runAsUser, table].map((n) => [n.nodeId, n]));
const none: ResolverHints = { scripts: [], runAs: [], triggers: [] };
const script = (text: string, nodeId = job.nodeId) => resolveCallerEdges(nodes, { ...none, scripts: [{ nodeId, field: 'script', text }] });

describe('resolveCallerEdges: script text', () => {
  it('a script include instantiated by name or api name is CALLS, with provenance', () => {
    expect(script('var s = new EntraDirectorySync(); s.run();')).toEqual([
      {
        ...makeEdge('CALLS', job, include),
        properties: {
          callType: 'include',
          provenance: {
            origin: 'resolver',
            rule: 'script_text_script_include',
            detail: 'script of "Nightly directory sync" references EntraDirectorySync',
            sourceRecordIds: ['job-1', 'inc-1'],
          },
        },
      },
    ]);
    expect(script('new global.EntraDirectorySync()').map((e) => e.targetNodeId)).toEqual([include.nodeId]);
    // By api name, and by the bare class name of a scoped api name the include is not listed under.
    expect(script('new x_hr.HRUtil()').map((e) => e.targetNodeId)).toEqual([scoped.nodeId]);
    expect(script('new other.EntraDirectorySync()').map((e) => e.targetNodeId)).toEqual([include.nodeId]);
  });

  it('an unknown class, an include calling itself, an empty api name, or a missing script owner gives nothing', () => {
    expect(script('new UnknownUtil()')).toEqual([]);
    expect(script('new EntraDirectorySync()', include.nodeId)).toEqual([]);
    expect(script('new NoApi()').map((e) => e.targetNodeId)).toEqual([unnamedApi.nodeId]);
    expect(resolveCallerEdges(nodes, { ...none, scripts: [{ nodeId: 'servicenow:x:gone', field: 'script', text: 'new EntraDirectorySync()' }] })).toEqual([]);
  });

  it('a REST call is INVOKES on the message, with the method and its HTTP verb', () => {
    expect(script("var r = new sn_ws.RESTMessageV2('Microsoft Graph', 'patch user');")).toEqual([
      {
        ...makeEdge('INVOKES', job, rest),
        properties: {
          httpMethod: 'PATCH',
          restMethod: 'patch user',
          provenance: {
            origin: 'resolver',
            rule: 'script_text_rest_message',
            detail: `script of "Nightly directory sync" calls sn_ws.RESTMessageV2('Microsoft Graph', 'patch user')`,
            sourceRecordIds: ['job-1', 'rest-1'],
          },
        },
      },
    ]);
  });

  it('a method the message does not define, or none, leaves out what is not known', () => {
    expect(script("new sn_ws.RESTMessageV2('Microsoft Graph', 'delete user')")[0]?.properties).toMatchObject({ restMethod: 'delete user' });
    expect(script("new sn_ws.RESTMessageV2('Microsoft Graph', 'delete user')")[0]?.properties).not.toHaveProperty('httpMethod');
    const bare = script("new sn_ws.RESTMessageV2('Microsoft Graph')")[0];
    expect(Object.keys(bare?.properties ?? {})).toEqual(['provenance']);
    expect(bare?.properties.provenance).toMatchObject({ detail: `script of "Nightly directory sync" calls sn_ws.RESTMessageV2('Microsoft Graph')` });
  });

  it('a SOAP call lands on a SOAP message; a REST method record or an unknown name is no target', () => {
    const [edge] = script("new sn_ws.SOAPMessageV2('Legacy SOAP', 'call')");
    expect(edge?.targetNodeId).toBe(soap.nodeId);
    expect(edge?.properties.provenance).toMatchObject({ detail: `script of "Nightly directory sync" calls sn_ws.SOAPMessageV2('Legacy SOAP', 'call')` });
    expect(Object.keys(edge?.properties ?? {})).toEqual(['restMethod', 'provenance']);
    expect(script("new sn_ws.RESTMessageV2('patch user', 'x')")).toEqual([]);
    expect(script("new sn_ws.RESTMessageV2('Nope', 'x')")).toEqual([]);
  });
});

describe('resolveCallerEdges: reference fields', () => {
  it('run_as is RUNS_AS with its type; both ends must exist', () => {
    const hints: ResolverHints = {
      ...none,
      runAs: [
        { nodeId: job.nodeId, runAs: runAsUser.nodeId, runAsType: 'configured' },
        { nodeId: job.nodeId, runAs: 'servicenow:x:nobody', runAsType: 'configured' },
        { nodeId: 'servicenow:x:nojob', runAs: runAsUser.nodeId, runAsType: 'inherited' },
      ],
    };
    expect(resolveCallerEdges(nodes, hints)).toEqual([
      {
        ...makeEdge('RUNS_AS', job, runAsUser),
        properties: {
          runAsType: 'configured',
          provenance: {
            origin: 'resolver',
            rule: 'run_as_field',
            detail: '"Nightly directory sync" runs as Sync Service',
            sourceRecordIds: ['job-1', 'svc.sync'],
          },
        },
      },
    ]);
  });

  it('a business rule TRIGGERS_ON its table, with the schedule when given and a default detail', () => {
    const hints: ResolverHints = {
      ...none,
      triggers: [
        { nodeId: job.nodeId, table: table.nodeId, triggerType: 'schedule', schedule: 'daily 02:00', detail: 'runs daily against incident' },
        { nodeId: include.nodeId, table: table.nodeId, triggerType: 'event' },
        { nodeId: job.nodeId, table: 'servicenow:x:notable', triggerType: 'event' },
        { nodeId: 'servicenow:x:norule', table: table.nodeId, triggerType: 'event' },
      ],
    };
    expect(resolveCallerEdges(nodes, hints)).toEqual([
      {
        ...makeEdge('TRIGGERS_ON', job, table),
        properties: {
          triggerType: 'schedule',
          schedule: 'daily 02:00',
          provenance: { origin: 'resolver', rule: 'business_rule_table', detail: 'runs daily against incident', sourceRecordIds: ['job-1'] },
        },
      },
      {
        ...makeEdge('TRIGGERS_ON', include, table),
        properties: {
          triggerType: 'event',
          provenance: { origin: 'resolver', rule: 'business_rule_table', detail: 'triggers on incident', sourceRecordIds: ['inc-1'] },
        },
      },
    ]);
  });
});

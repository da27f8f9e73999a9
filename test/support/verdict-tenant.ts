import { makeEdgeId } from '../../src/model/index.ts';
import type { EdgeType, NormalizedEdge, NormalizedGraph, NormalizedNode } from '../../src/model/index.ts';
import { SAMPLE_IDS, sampleTenant } from './sample-tenant.ts';

// The sample tenant plus one chain of every verdict kind (issue 12), for the storage contract and
// the API: a latent path (a script include nothing calls, reaching the Graph principal), a chain
// stopping at a basic-auth connection, one stopping at an OAuth profile whose client id matches
// no identity, and an inbound OAuth link (an Entra app authenticating to a ServiceNow user).

const SN = 'contoso.service-now.com';
const id = (sourceId: string) => `servicenow:${SN}:${sourceId}`;

export const VERDICT_IDS = {
  latentInclude: id('latent-include'),
  vendorRule: id('vendor-rule'),
  vendorApi: id('vendor-api'),
  crmJob: id('crm-job'),
  crmApi: id('crm-api'),
  crmProfile: id('crm-profile'),
  /** The client id of the CRM profile: no identity carries it as appId. */
  crmClientId: '0dead0be-ef00-4000-8000-00000000c0de',
} as const;

const base = (sourceId: string, displayName: string) => ({
  nodeId: id(sourceId),
  sourceSystem: 'servicenow' as const,
  sourceScope: SN,
  sourceId,
  displayName,
  status: 'active' as const,
});

const automation = (sourceId: string, displayName: string, automationSubtype: 'script_include' | 'business_rule' | 'scheduled_job'): NormalizedNode => ({
  ...base(sourceId, displayName),
  nodeType: 'automation',
  properties: { automationSubtype, executionMode: automationSubtype === 'script_include' ? 'unknown' : 'autonomous', securityRelevance: 'active_external', ownershipState: 'unattributed' },
});

const edge = (edgeType: EdgeType, from: string, to: string, properties: NormalizedEdge['properties'] = {}): NormalizedEdge => ({
  edgeId: makeEdgeId(edgeType, from, to),
  edgeType,
  sourceNodeId: from,
  targetNodeId: to,
  properties: { provenance: { origin: 'resolver', rule: 'verdict_fixture' }, ...properties },
});

export function verdictTenant(tenantId: string): NormalizedGraph {
  const sample = sampleTenant(tenantId);
  const nodes: NormalizedNode[] = [
    automation('latent-include', 'LegacyGraphClient', 'script_include'),
    automation('vendor-rule', 'Push incident to vendor', 'business_rule'),
    automation('crm-job', 'Nightly CRM sync', 'scheduled_job'),
    { ...base('vendor-api', 'Vendor API'), nodeType: 'connection', properties: { connectionSubtype: 'rest_message', targetUrl: 'https://api.vendor.example/v2', authMethod: 'basic' } },
    { ...base('crm-api', 'CRM API'), nodeType: 'connection', properties: { connectionSubtype: 'rest_message', targetUrl: 'https://crm.example/api', authMethod: 'oauth2' } },
    { ...base('crm-profile', 'CRM OAuth profile'), nodeType: 'credential', properties: { credentialSubtype: 'oauth_profile', clientId: VERDICT_IDS.crmClientId } },
  ];
  const edges: NormalizedEdge[] = [
    edge('INVOKES', VERDICT_IDS.latentInclude, SAMPLE_IDS.restMessage),
    edge('INVOKES', VERDICT_IDS.vendorRule, VERDICT_IDS.vendorApi),
    edge('INVOKES', VERDICT_IDS.crmJob, VERDICT_IDS.crmApi),
    edge('USES', VERDICT_IDS.crmApi, VERDICT_IDS.crmProfile),
    edge('AUTHENTICATES_TO', SAMPLE_IDS.payrollPrincipal, SAMPLE_IDS.hrIntegrationUser, {
      evidenceReferences: {
        issuingSystemId: 'aaaa1111-2222-3333-4444-555566667777',
        issuingTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        targetSystemId: 'aaaa1111-2222-3333-4444-555566667777',
        targetInstanceId: `https://${SN}`,
        targetRecordSysId: 'oauth-client-payroll',
        matchingField: 'client_id',
        matchingValue: 'aaaa1111-2222-3333-4444-555566667777',
        targetUserBinding: 'oauth_entity.user -> sys_user.user_name',
      },
    }),
  ];
  return { ...sample, nodes: [...sample.nodes, ...nodes], edges: [...sample.edges, ...edges] };
}

/** Every verdict of verdictTenant, in the analysis order: [kind, node names joined by " > ", stop reason]. */
export const VERDICT_SUMMARY: [string, string, string | null][] = [
  ['inbound_oauth', 'Payroll-Connector > svc_hr_integration', null],
  ['authenticates_as', 'Sync incident to Microsoft Graph > GraphClient > Microsoft Graph API > Graph OAuth profile > SN-Graph-Integration', null],
  ['authenticates_as', 'Nightly directory export > GraphClient > Microsoft Graph API > Graph OAuth profile > SN-Graph-Integration', null],
  ['partial', 'Nightly CRM sync > CRM API > CRM OAuth profile', 'stops_at_credential'],
  ['runs_as', 'HR onboarding flow > svc_hr_integration', null],
  ['latent', 'LegacyGraphClient > Microsoft Graph API > Graph OAuth profile > SN-Graph-Integration', null],
  ['partial', 'Push incident to vendor > Vendor API', 'stops_at_connection'],
];

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNormalizedGraphOrThrow } from '../../src/model/index.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';

const SAMPLE = fileURLToPath(new URL('../../fixtures/sample/tenant.json', import.meta.url));

/** The shipped sample tenant, validated, re-homed to the given tenant id. */
export function sampleTenant(tenantId: string, overrides: Partial<NormalizedGraph> = {}): NormalizedGraph {
  const graph = parseNormalizedGraphOrThrow(JSON.parse(readFileSync(SAMPLE, 'utf8')));
  return { ...graph, tenantId, ...overrides };
}

export const SAMPLE_IDS = {
  businessRule: 'servicenow:contoso.service-now.com:7f3a91c2db1e',
  scriptInclude: 'servicenow:contoso.service-now.com:a12be3f40c77',
  scheduledJob: 'servicenow:contoso.service-now.com:c55d10e8aa01',
  flow: 'servicenow:contoso.service-now.com:f0e1d2c3b4a5',
  restMessage: 'servicenow:contoso.service-now.com:0b9e8d7c6f5e',
  oauthProfile: 'servicenow:contoso.service-now.com:5d4c3b2a1908',
  graphPrincipal: 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:9a8b7c6d-5e4f-4321-8abc-def012345678',
  payrollPrincipal: 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:11112222-3333-4444-5555-666677778888',
  hrIntegrationUser: 'servicenow:contoso.service-now.com:8e7d6c5b4a39',
  alice: 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:u-alice',
  bob: 'servicenow:contoso.service-now.com:u-bob',
} as const;

let counter = 0;
/** A tenant id no other test uses, so tests share one server without seeing each other. */
export function freshTenant(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

import { describe, expect, it } from 'vitest';
import { automationStart, calledOnlyStarts, isEntryPoint } from '../../../src/analysis/entry-points.ts';
import { makeNode } from '../../support/graph-builders.ts';

// Which automations start a chain: the per-source table, the default for sources without a row,
// and "entry point" for anything no table names (reporting a chain beats hiding one).

const automation = (sourceSystem: 'servicenow' | 'github' | 'custom', automationSubtype: string) =>
  makeNode('automation', sourceSystem, `a-${automationSubtype}`, {
    automationSubtype,
    executionMode: 'autonomous',
    securityRelevance: 'internal_inventory',
    ownershipState: 'unattributed',
  } as never);

describe('entry points', () => {
  it.each([
    ['servicenow', 'business_rule', 'entry_point'],
    ['servicenow', 'scheduled_job', 'entry_point'],
    ['servicenow', 'script_include', 'called_only'],
    ['github', 'ci_workflow', 'entry_point'],
    // github has its own row: a script include there is not in it, so it counts as an entry point.
    ['github', 'script_include', 'entry_point'],
    ['custom', 'script_include', 'called_only'],
    ['custom', 'flow_designer_flow', 'entry_point'],
    ['custom', 'something_new', 'entry_point'],
  ] as const)('%s %s is %s', (source, subtype, start) => {
    const node = automation(source, subtype);
    expect(automationStart(node)).toBe(start);
    expect(isEntryPoint(node)).toBe(start === 'entry_point');
  });

  it('an identity (a workload with its own credential) is an entry point', () => {
    const sp = makeNode('identity', 'entra_id', 'sp', { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned' });
    expect(automationStart(sp)).toBe('entry_point');
  });

  it('hands the called-only subtypes to stores as source:subtype, for every source', () => {
    const starts = calledOnlyStarts();
    expect(starts).toContain('servicenow:script_include');
    expect(starts).toContain('custom:script_include');
    expect(starts).toContain('aws:script_include');
    expect(starts).not.toContain('github:script_include');
    expect(starts.every((s) => s.endsWith(':script_include'))).toBe(true);
  });
});

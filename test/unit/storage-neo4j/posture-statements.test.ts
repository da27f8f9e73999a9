import { describe, expect, it } from 'vitest';
import { postureChains, postureIdentities, postureOtherChains } from '../../../src/storage/neo4j/posture-statements.ts';

// The posture statements checked without a database: the relationship types they may cross come
// from EDGE_TYPES (history types only as of a moment), and every value is a parameter.

const QUERY = { calledOnly: ['servicenow:script_include'], now: '2026-02-01T00:00:00.000Z', expiringBefore: '2026-03-03T00:00:00.000Z', top: 10 };

describe('Neo4j posture statements', () => {
  it('counts chains over the chain edge types now, and over their history types too as of a moment', () => {
    const now = postureChains('t1', QUERY, undefined);
    expect(now.text).toContain('MATCH p = (a)-[:CALLS|INVOKES|USES|AUTHENTICATES_AS|RUNS_AS*1..8]->(i:Identity)');
    expect(now.text).toContain('MATCH (i)-[r:HAS_ROLE|MEMBER_OF]->(role:Role)');
    expect(now.text).not.toMatch(/[:|]HIST_/); // no history relationship type in any pattern
    expect(now.text).not.toMatch(/\{\{|\}\}/);
    expect(now.params).toMatchObject({ tenantId: 't1', asOf: null, now: QUERY.now, expiringBefore: QUERY.expiringBefore, calledOnly: ['servicenow:script_include'] });
    expect(now.text).toContain('IN $calledOnly AS latent');

    const past = postureChains('t1', QUERY, '2026-01-15T06:00:00.000Z');
    expect(past.text).toContain('[:CALLS|HIST_CALLS|INVOKES|HIST_INVOKES|USES|HIST_USES|AUTHENTICATES_AS|HIST_AUTHENTICATES_AS|RUNS_AS|HIST_RUNS_AS*1..8]');
    expect(past.text).toContain('MATCH (x:Automation)-[c:CALLS|HIST_CALLS]->(a)');
    expect(past.params.asOf).toBe('2026-01-15T06:00:00.000Z');
    // Tenant, times and list length are parameters, never text.
    expect(past.text).not.toContain('t1');
    expect(past.text).not.toContain('2026');
  });

  it('groups identities by recorded ownership, archived versions only as of a moment', () => {
    expect(postureIdentities('t1', undefined).params).toEqual({ tenantId: 't1', asOf: null });
    expect(postureIdentities('t1', '2026-01-15T06:00:00.000Z').text).toContain('n:NodeVersion');
  });

  it('walks partial chains over their own hops and inbound OAuth over AUTHENTICATES_TO, history types only as of a moment', () => {
    const now = postureOtherChains('t1', QUERY, undefined);
    expect(now.text).toContain('MATCH p = (a)-[:CALLS|INVOKES*1..8]->(stop:Connection)');
    expect(now.text).toContain('MATCH p = (a)-[:CALLS|INVOKES|USES*1..8]->(stop:Credential)');
    expect(now.text).toContain('MATCH (stop)-[u:USES]->()');
    expect(now.text).toContain('MATCH (stop)-[k:AUTHENTICATES_AS]->()');
    expect(now.text).toContain('MATCH (i:Identity {tenantId: $tenantId})-[r:AUTHENTICATES_TO]->(j:Identity)');
    expect(now.text).not.toMatch(/[:|]HIST_/);
    expect(now.text).not.toMatch(/\{\{|\}\}/);
    expect(now.params).toEqual({ tenantId: 't1', asOf: null, calledOnly: ['servicenow:script_include'] });

    const past = postureOtherChains('t1', QUERY, '2026-01-15T06:00:00.000Z');
    expect(past.text).toContain('[:CALLS|HIST_CALLS|INVOKES|HIST_INVOKES|USES|HIST_USES*1..8]->(stop:Credential)');
    expect(past.text).toContain('-[r:AUTHENTICATES_TO|HIST_AUTHENTICATES_TO]->(j:Identity)');
    expect(past.text).not.toContain('t1');
    expect(past.text).not.toContain('2026');
  });
});

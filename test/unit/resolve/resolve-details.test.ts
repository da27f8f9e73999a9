import { describe, expect, it } from 'vitest';
import { resolveAuthEdges } from '../../../src/resolve/auth-edges.ts';
import { classifyByName, classifyResource } from '../../../src/resolve/business-domain.ts';
import { resolveCallerEdges } from '../../../src/resolve/caller-edges.ts';
import { evaluateClaimsExpression } from '../../../src/resolve/claims-expression.ts';
import { normalizePermission } from '../../../src/resolve/permission-action.ts';
import { findScriptReferences, stripComments } from '../../../src/resolve/script-references.ts';
import type { NormalizedNode } from '../../../src/model/index.ts';
import { SERVICENOW_ROLE_PERMISSIONS, roleScope } from '../../../connectors/servicenow/mappings.ts';
import { makeNode } from '../../support/graph-builders.ts';

// The finer rules of the resolver's helpers, each pinned by the case that tells it apart: which
// nodes a rule reads, how names are parsed, and the exact words and fields of each answer.

describe('auth edges read only the nodes they mean', () => {
  const APP = '9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19';
  const sp = makeNode('identity', 'entra_id', 'sp', { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned', appId: APP });
  const profile = makeNode('credential', 'servicenow', 'p', { credentialSubtype: 'oauth_profile', clientId: APP });

  it('a non-identity carrying the same appId does not hide the principal', () => {
    const impostor = makeNode('automation', 'github', 'wf', {
      automationSubtype: 'ci_workflow',
      executionMode: 'autonomous',
      securityRelevance: 'internal_inventory',
      ownershipState: 'unattributed',
      appId: APP,
    });
    expect(resolveAuthEdges([sp, impostor, profile]).map((e) => e.targetNodeId)).toEqual([sp.nodeId]);
  });

  it('a node that is not a credential is never read as one', () => {
    const lookalike = makeNode('identity', 'servicenow', 'x', {
      identitySubtype: 'integration_user',
      executionMode: 'autonomous',
      ownershipState: 'owned',
      credentialSubtype: 'oauth_profile',
      clientId: APP,
    });
    expect(resolveAuthEdges([sp, lookalike])).toEqual([]);
  });
});

describe('business domains', () => {
  it('strips a scoped-app prefix only at the start of the name', () => {
    expect(classifyByName('gsn_l')).toBe('unknown');
    expect(classifyByName('sn_gl')).toBe('finance');
    expect(classifyByName('U_Incident')).toBe('it_ops');
  });

  it('a configured domain without a sensitivity takes the domain default, and only the flags given', () => {
    expect(classifyResource('t', { t: { domain: 'hr' } })).toEqual({ businessDomain: 'hr', sensitivity: 'confidential', basis: 'configured' });
    expect(classifyResource('t', { t: { domain: 'it_ops', financial: true } })).toEqual({
      businessDomain: 'it_ops',
      sensitivity: 'internal',
      containsFinancialData: true,
      basis: 'configured',
    });
    expect(classifyResource('t', { t: { domain: 'finance', financial: false, pii: false } })).toEqual({
      businessDomain: 'finance',
      sensitivity: 'confidential',
      containsPii: false,
      containsFinancialData: false,
      basis: 'configured',
    });
  });

  it('by name: finance holds financial data, hr personal data, the rest neither; unknown is a default', () => {
    expect(classifyResource('invoice_line')).toEqual({
      businessDomain: 'finance',
      sensitivity: 'confidential',
      containsFinancialData: true,
      basis: 'name_pattern',
    });
    expect(classifyResource('incident')).toEqual({ businessDomain: 'it_ops', sensitivity: 'internal', basis: 'name_pattern' });
    expect(classifyResource('sys_user')).toEqual({ businessDomain: 'unknown', sensitivity: 'internal', basis: 'default' });
  });
});

describe('claims expressions', () => {
  it('an escaped quote is part of the value, and an " or " inside quotes splits nothing', () => {
    expect(evaluateClaimsExpression("claims['sub'] eq 'it\\'s'", { sub: "it's" })).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] eq 'a\\' or b'", { sub: "a' or b" })).toEqual({ ok: true, matches: true });
  });

  it('operators and keywords in any case; eq is exact even with wildcards in the value', () => {
    expect(evaluateClaimsExpression("claims['sub'] EQ 'a*'", { sub: 'abc' })).toEqual({ ok: true, matches: false });
    expect(evaluateClaimsExpression("claims['sub'] EQ 'a*'", { sub: 'a*' })).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] MATCHES 'a*'", { sub: 'abc' })).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['sub'] eq 'x' OR claims['sub'] eq 'y'", { sub: 'y' })).toEqual({ ok: true, matches: true });
  });

  it('a dot in a matches pattern is a dot; a missing claim never matches', () => {
    expect(evaluateClaimsExpression("claims['ver'] matches 'v1.0'", { ver: 'v1x0' })).toEqual({ ok: true, matches: false });
    expect(evaluateClaimsExpression("claims['ver'] matches 'v1.?'", { ver: 'v1.5' })).toEqual({ ok: true, matches: true });
    expect(evaluateClaimsExpression("claims['other'] matches '*'", { ver: 'v1' })).toEqual({ ok: true, matches: false });
  });

  it('names the clause it cannot read, trimmed and cut at 80 characters', () => {
    expect(evaluateClaimsExpression("  claims['sub'] is 'x'  ", {})).toEqual({ ok: false, error: "unsupported clause: claims['sub'] is 'x'" });
    const long = `claims['sub'] is '${'x'.repeat(100)}'`;
    expect(evaluateClaimsExpression(long, {})).toEqual({ ok: false, error: `unsupported clause: ${long.slice(0, 80)}` });
  });
});

describe('permission normalization details', () => {
  const norm = (n: string) => normalizePermission(n, {}, () => 'scope');
  it('a table is looked up as written, then in lower case', () => {
    expect(normalizePermission('ITIL', SERVICENOW_ROLE_PERMISSIONS, roleScope)).toMatchObject({ action: 'update', basis: 'table', mapped: true });
  });
  it('each rule names itself', () => {
    expect(norm('Mail.Send')).toEqual({ action: 'execute', scope: 'scope', basis: 'rule_3', mapped: false });
    expect(norm('Sites.Create.All')).toEqual({ action: 'create', scope: 'scope', basis: 'rule_4', mapped: false });
    expect(norm('Calendars.ReadWrite')).toEqual({ action: 'update', scope: 'scope', basis: 'rule_4', mapped: false });
    expect(norm('x_records_delete')).toEqual({ action: 'delete', scope: 'scope', basis: 'rule_6', mapped: false });
    // Create and read together: the read wins over the create rule (then update, then read).
    expect(norm('Notes.Create.Read')).toMatchObject({ action: 'read', basis: 'rule_5' });
  });
});

describe('script references details', () => {
  it('a comment between words still separates them', () => {
    expect(findScriptReferences('var x = new/* why */LiveUtil();').classes).toEqual(['LiveUtil']);
    expect(stripComments('a/*c*/b')).toBe('a b');
  });

  it('strings in any quote keep a // inside them, and the code after them is read', () => {
    expect(findScriptReferences("var u = 'http://a'; new LiveUtil();").classes).toEqual(['LiveUtil']);
    expect(findScriptReferences('var u = "http://a"; new LiveUtil();').classes).toEqual(['LiveUtil']);
    expect(findScriptReferences('var u = `http://a`; new LiveUtil();').classes).toEqual(['LiveUtil']);
    expect(findScriptReferences("var u = 'it\\'s //'; new LiveUtil();").classes).toEqual(['LiveUtil']);
  });

  it('a REST call without a method has no method field, and is no class', () => {
    const refs = findScriptReferences("new sn_ws.RESTMessageV2('Graph');");
    expect(refs.restCalls).toEqual([{ kind: 'rest', message: 'Graph' }]);
    expect(Object.keys(refs.restCalls[0]!)).toEqual(['kind', 'message']);
    expect(refs.classes).toEqual([]);
  });

  it('platform classes are known by their bare name; only names starting Glide are Glide APIs', () => {
    expect(findScriptReferences("new global.GlideRecord('x'); new MyGlideHelper();").classes).toEqual(['MyGlideHelper']);
  });
});

describe('caller edges read only script includes and messages', () => {
  it('a business rule or a connection named like a class is not a script include', () => {
    const job = makeNode('automation', 'servicenow', 'job', {
      automationSubtype: 'scheduled_job',
      executionMode: 'autonomous',
      securityRelevance: 'internal_inventory',
      ownershipState: 'unattributed',
    });
    const rule = makeNode(
      'automation',
      'servicenow',
      'rule',
      {
        automationSubtype: 'business_rule',
        executionMode: 'autonomous',
        securityRelevance: 'internal_inventory',
        ownershipState: 'unattributed',
        apiName: 'global.RiskCalc',
      },
      { displayName: 'RiskCalc' },
    );
    const conn = makeNode('connection', 'servicenow', 'c', { connectionSubtype: 'rest_method' }, { displayName: 'Scorer' });
    const nodes = new Map<string, NormalizedNode>([job, rule, conn].map((n) => [n.nodeId, n]));
    expect(
      resolveCallerEdges(nodes, {
        scripts: [{ nodeId: job.nodeId, field: 'script', text: "RiskCalc.score(); new global.RiskCalc(); new Scorer(); new sn_ws.RESTMessageV2('Scorer')" }],
        runAs: [],
        triggers: [],
      }),
    ).toEqual([]);
  });
});

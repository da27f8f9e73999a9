import { describe, expect, it } from 'vitest';
import { canonicalJson, edgeContentHash, edgeHashIs, nodeContentHash, nodeHashIs, sameEdgeContent, sameJson } from '../../../src/model/hash.ts';
import { hash128Of3 } from '../../../src/model/json-hash128.ts';
import { makeEdgeId, makeNodeId, normalizeScope, shortHash } from '../../../src/model/ids.ts';
import { remapLegacyEdge, remapLegacyGraph, remapLegacyNode } from '../../../src/model/legacy.ts';
import { ValidationError, formatPath, parseNormalizedGraph, parseNormalizedGraphOrThrow, parseOrThrow, parseWith } from '../../../src/model/validate.ts';
import { NonEmpty } from '../../../src/model/common.ts';
import { makeEdge, makeGraph, makeNode } from '../../support/graph-builders.ts';

// The model's boundary helpers: ids derived from their parts, content hashes and equality the diff
// relies on, the legacy remap of the migration window, and graph validation's integrity checks
// with the paths and messages a connector author reads.

const sp = makeNode('identity', 'entra_id', 'sp-1', { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned' });
const role = makeNode('role', 'entra_id', 'role-1', { roleName: 'Reader', roleSubtype: 'directory', isPrivileged: false });
const perm = makeNode('permission', 'entra_id', 'perm-1', { permissionName: 'User.Read.All', normalizedAction: 'read', scope: 'users' });

describe('ids', () => {
  it('normalizes a scope: trimmed, lower case, without scheme or trailing slashes', () => {
    expect(normalizeScope('  HTTPS://Contoso.Service-Now.com//  ')).toBe('contoso.service-now.com');
    expect(normalizeScope('4A1C2E9D')).toBe('4a1c2e9d');
    expect(normalizeScope('path/inside/')).toBe('path/inside');
    expect(normalizeScope('x://a')).toBe('a');
    expect(makeNodeId('servicenow', 'https://Contoso.service-now.com/', 'abc')).toBe('servicenow:contoso.service-now.com:abc');
  });

  it('edge ids follow from type and ends only, in order', () => {
    expect(makeEdgeId('HAS_ROLE', 'a', 'b')).toBe(makeEdgeId('HAS_ROLE', 'a', 'b'));
    expect(makeEdgeId('HAS_ROLE', 'a', 'b')).toMatch(/^HAS_ROLE:[0-9a-f]{24}$/);
    expect(makeEdgeId('HAS_ROLE', 'a', 'b')).not.toBe(makeEdgeId('HAS_ROLE', 'b', 'a'));
    // The separator keeps "ab"+"c" and "a"+"bc" apart.
    expect(makeEdgeId('HAS_ROLE', 'ab', 'c')).not.toBe(makeEdgeId('HAS_ROLE', 'a', 'bc'));
    expect(makeEdgeId('HAS_ROLE', 'a', 'b').slice(9)).toBe(shortHash('a\u0000b'));
    expect(shortHash('x', 8)).toHaveLength(8);
    expect(shortHash('x')).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'.slice(0, 24));
  });
});

describe('content hashes and equality', () => {
  it('canonical JSON sorts keys, drops undefined fields and writes undefined list items as null', () => {
    expect(canonicalJson({ b: 1, a: [3, undefined, { d: null, c: 'x' }], u: undefined })).toBe('{"a":[3,null,{"c":"x","d":null}],"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('s')).toBe('"s"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([])).toBe('[]');
  });

  it('a node hash covers its content but not its id or the tombstone date; 22 base64url characters', () => {
    expect(nodeContentHash(sp)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nodeContentHash({ ...sp, deletedAt: '2026-01-01T00:00:00.000Z' })).toBe(nodeContentHash(sp));
    expect(nodeContentHash(JSON.parse(JSON.stringify(sp)) as typeof sp)).toBe(nodeContentHash(sp));
    expect(nodeContentHash({ ...sp, displayName: 'other' })).not.toBe(nodeContentHash(sp));
    expect(nodeContentHash({ ...sp, properties: { ...sp.properties, extra: null } })).not.toBe(nodeContentHash(sp));
    // The id is what the diff looks a row up by: equal on both sides of every comparison.
    expect(nodeContentHash({ ...sp, nodeId: 'other' })).toBe(nodeContentHash(sp));
    expect(nodeHashIs(sp, nodeContentHash(sp))).toBe(true);
    expect(nodeHashIs({ ...sp, displayName: 'other' }, nodeContentHash(sp))).toBe(false);
    expect(nodeHashIs(sp, 'a-sha1-hash-of-before=======')).toBe(false);
  });

  it('an edge hash covers dates and properties; type and ends are its id (validateGraph checks edgeId = makeEdgeId)', () => {
    const e = { ...makeEdge('HAS_ROLE', sp, role, { grantedBy: 'pim' }), since: '2026-01-01T00:00:00.000Z' };
    const hash = edgeContentHash(e);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(edgeContentHash({ ...e })).toBe(hash);
    // The same date as `until` instead of `since` is other content.
    expect(edgeContentHash({ ...e, until: e.since, since: undefined })).not.toBe(hash);
    expect(edgeContentHash({ ...e, properties: { grantedBy: 'manual' } })).not.toBe(hash);
    expect(edgeContentHash({ ...e, since: undefined })).not.toBe(hash);
    // Other ends or another type make another edgeId: the diff never compares the two rows' hashes.
    expect(edgeContentHash({ ...e, sourceNodeId: perm.nodeId })).toBe(hash);
    expect(makeEdge('HAS_ROLE', perm, role, { grantedBy: 'pim' }).edgeId).not.toBe(e.edgeId);
    expect(edgeHashIs(e, hash)).toBe(true);
    expect(edgeHashIs({ ...e, properties: {} }, hash)).toBe(false);
  });

  it('an edge without dates or properties takes the shared hash the general path gives', () => {
    const plain = makeEdge('HAS_ROLE', sp, role);
    const hash = edgeContentHash(plain);
    expect(hash128Of3(undefined, undefined, {})).toBe(hash);
    expect(edgeContentHash({ ...plain, properties: { a: undefined } as unknown as typeof plain.properties })).toBe(hash);
    expect(edgeContentHash({ ...plain, properties: { a: null } })).not.toBe(hash);
    expect(edgeContentHash({ ...plain, until: '2026-01-01T00:00:00.000Z' })).not.toBe(hash);
    expect(edgeHashIs(plain, hash)).toBe(true);
    expect(edgeHashIs(plain, `${hash.slice(0, 21)}x`)).toBe(false);
    expect(edgeHashIs({ ...plain, properties: { a: 1 } }, hash)).toBe(false);
  });

  it('sameJson: deep, key-order free, undefined fields ignored, lists in order', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, u: undefined })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson({ 0: 1 }, [1])).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson({}, null)).toBe(false);
    expect(sameJson(1, '1')).toBe(false);
    expect(sameJson('x', 'x')).toBe(true);
    expect(sameJson({}, {})).toBe(true);
  });

  it('sameEdgeContent compares type, ends, dates and properties', () => {
    const e = makeEdge('HAS_ROLE', sp, role, { a: 1 });
    expect(sameEdgeContent(e, { ...e, properties: { a: 1 } })).toBe(true);
    expect(sameEdgeContent(e, { ...e, edgeType: 'MEMBER_OF' })).toBe(false);
    expect(sameEdgeContent(e, { ...e, sourceNodeId: 'x' })).toBe(false);
    expect(sameEdgeContent(e, { ...e, targetNodeId: 'x' })).toBe(false);
    expect(sameEdgeContent(e, { ...e, since: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(sameEdgeContent(e, { ...e, until: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(sameEdgeContent(e, { ...e, properties: { a: 2 } })).toBe(false);
  });
});

describe('legacy remap (migration window)', () => {
  const legacy = (identitySubtype: string, properties: Record<string, unknown> = {}) => ({
    nodeId: 'n',
    nodeType: 'autonomous_identity',
    properties: { identitySubtype, ...properties },
  });

  it('an autonomous_identity becomes an identity, automation or credential by subtype, with the required defaults', () => {
    expect(remapLegacyNode(legacy('integration_user', { appId: 'x' }))).toEqual({
      nodeId: 'n',
      nodeType: 'identity',
      properties: { executionMode: 'unknown', ownershipState: 'unattributed', appId: 'x', identitySubtype: 'integration_user' },
    });
    expect(remapLegacyNode(legacy('scheduled_job', { executionMode: 'autonomous' }))).toEqual({
      nodeId: 'n',
      nodeType: 'automation',
      properties: { executionMode: 'autonomous', securityRelevance: 'internal_inventory', ownershipState: 'unattributed', automationSubtype: 'scheduled_job' },
    });
    expect(remapLegacyNode(legacy('oauth_profile', { clientId: 'c' }))).toEqual({
      nodeId: 'n',
      nodeType: 'credential',
      properties: { clientId: 'c', credentialSubtype: 'oauth_profile' },
    });
  });

  it('leaves an unknown subtype, a current node and a non-object as they are', () => {
    const unknown = legacy('robot');
    expect(remapLegacyNode(unknown)).toBe(unknown);
    expect(remapLegacyNode({ nodeId: 'n', nodeType: 'autonomous_identity' })).toEqual({ nodeId: 'n', nodeType: 'autonomous_identity' });
    expect(remapLegacyNode(sp)).toBe(sp);
    expect(remapLegacyNode(null)).toBeNull();
    expect(remapLegacyNode([1])).toEqual([1]);
  });

  it('AUTHENTICATES_VIA becomes USES, re-deriving an id derived from the old type and keeping any other', () => {
    const old = {
      edgeId: makeEdgeId('AUTHENTICATES_VIA' as never, 'a', 'b'),
      edgeType: 'AUTHENTICATES_VIA',
      sourceNodeId: 'a',
      targetNodeId: 'b',
      properties: {},
    };
    expect(remapLegacyEdge(old)).toEqual({ ...old, edgeType: 'USES', edgeId: makeEdgeId('USES', 'a', 'b') });
    expect(remapLegacyEdge({ ...old, edgeId: 'custom' })).toEqual({ ...old, edgeType: 'USES', edgeId: 'custom' });
    expect(remapLegacyEdge({ ...old, sourceNodeId: 1 })).toEqual({ ...old, sourceNodeId: 1, edgeType: 'USES' });
    const current = makeEdge('USES', 'a', 'b');
    expect(remapLegacyEdge(current)).toBe(current);
    expect(remapLegacyEdge('x')).toBe('x');
  });

  it('remaps the lists of a graph and leaves anything else alone', () => {
    expect(remapLegacyGraph({ nodes: [legacy('oauth_provider')], edges: 'not a list' })).toEqual({
      nodes: [{ nodeId: 'n', nodeType: 'credential', properties: { credentialSubtype: 'oauth_provider' } }],
      edges: 'not a list',
    });
    expect(remapLegacyGraph({ nodes: 3 })).toEqual({ nodes: 3, edges: undefined });
    expect(remapLegacyGraph(7)).toBe(7);
  });
});

describe('graph validation', () => {
  it('paths read like code: a.b[0].c', () => {
    expect(formatPath(['nodes', 0, 'properties', 'x'])).toBe('nodes[0].properties.x');
    expect(formatPath([2, 'a'])).toBe('[2].a');
    expect(formatPath([])).toBe('');
  });

  it('parseWith returns every issue with its path; parseOrThrow names them in the error', () => {
    expect(parseWith(NonEmpty, 'x')).toEqual({ ok: true, value: 'x' });
    expect(parseWith(NonEmpty, '')).toMatchObject({ ok: false, issues: [{ path: '' }] });
    const error = (() => {
      try {
        parseOrThrow(NonEmpty, '', 'the name');
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.name).toBe('ValidationError');
    expect(error?.what).toBe('the name');
    expect(error?.message).toMatch(/^the name is invalid:\n {2}- \(root\): /);
    expect(parseOrThrow(NonEmpty, 'ok', 'the name')).toBe('ok');
  });

  it('accepts a sound graph, with defaults filled in', () => {
    const parsed = parseNormalizedGraphOrThrow(makeGraph('c', [sp, role, perm], [makeEdge('HAS_ROLE', sp, role), makeEdge('GRANTS', role, perm)]));
    expect(parsed.edges).toHaveLength(2);
    expect(parsed.temporalMarkers).toEqual([]);
  });

  it('refuses duplicate ids, ids that do not follow from their parts, and edges between the wrong node types', () => {
    const forged = { ...makeEdge('GRANTS', role, perm), edgeId: 'GRANTS:forged' };
    const result = parseNormalizedGraph(
      makeGraph(
        'c',
        [sp, role, perm, sp, { ...role, nodeId: 'entra_id:x:borrowed' }],
        [makeEdge('HAS_ROLE', sp, role), makeEdge('HAS_ROLE', sp, role), forged, makeEdge('HAS_ROLE', perm, sp)],
      ),
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      { path: 'nodes[3].nodeId', message: `duplicate nodeId ${sp.nodeId}` },
      { path: 'nodes[4].nodeId', message: `nodeId entra_id:x:borrowed does not match its parts (sourceSystem, sourceScope, sourceId → ${role.nodeId})` },
      { path: 'edges[1].edgeId', message: `duplicate edgeId ${makeEdge('HAS_ROLE', sp, role).edgeId}` },
      {
        path: 'edges[2].edgeId',
        message: `edgeId GRANTS:forged does not match its parts (edgeType, sourceNodeId, targetNodeId → ${makeEdge('GRANTS', role, perm).edgeId})`,
      },
      { path: 'edges[3].sourceNodeId', message: 'HAS_ROLE cannot start at a permission node' },
      { path: 'edges[3].targetNodeId', message: 'HAS_ROLE cannot end at a identity node' },
    ]);
    expect(() => parseNormalizedGraphOrThrow(makeGraph('c', [sp, sp]))).toThrow(/graph is invalid:\n {2}- nodes\[1\]\.nodeId: duplicate nodeId/);
  });

  it('an edge to a node of another graph is not judged by type here', () => {
    expect(parseNormalizedGraph(makeGraph('c', [sp], [makeEdge('HAS_ROLE', sp, 'entra_id:x:elsewhere')])).ok).toBe(true);
  });

  it('reports schema and secret issues together, and a too-deep document before anything else', () => {
    const bad = parseNormalizedGraph(makeGraph('c', [{ ...sp, status: 'gone' as never, properties: { ...sp.properties, clientSecret: 'hunter2hunter2' } }]));
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['nodes[0].status', 'nodes[0].properties.clientSecret']);
    const secretOnly = parseNormalizedGraph(makeGraph('c', [{ ...sp, properties: { ...sp.properties, clientSecret: 'hunter2hunter2' } }]));
    expect(secretOnly.ok ? [] : secretOnly.issues).toEqual([
      { path: 'nodes[0].properties.clientSecret', message: 'secret material must never enter the graph (secret-named field); remove this field' },
    ]);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const tooDeep = parseNormalizedGraph(makeGraph('c', [{ ...sp, properties: { ...sp.properties, deep } as never }]));
    expect(tooDeep.ok ? [] : tooDeep.issues).toEqual([
      {
        path: `nodes.0.properties.deep${'.d'.repeat(32)}`.replace('nodes.0', 'nodes[0]'),
        message: 'nested more than 32 levels deep (objects and arrays); flatten it',
      },
    ]);
  });
});

describe('schema refinements at the boundary', () => {
  it('an AUTHENTICATES_TO edge without its evidence is refused where the evidence belongs', async () => {
    const { NormalizedEdge } = await import('../../../src/model/edge.ts');
    const bare = makeEdge('AUTHENTICATES_TO', sp, 'servicenow:x:user');
    expect(parseWith(NormalizedEdge, bare)).toEqual({
      ok: false,
      issues: [
        { path: 'properties.evidenceReferences', message: 'AUTHENTICATES_TO needs evidenceReferences (issuer, target instance, matching field and value)' },
      ],
    });
    expect(parseWith(NormalizedEdge, makeEdge('AUTHENTICATES_AS', 'a', 'b')).ok).toBe(true);
  });

  it('a path query needs a start, and fills direction and limit', async () => {
    const { PathQuery } = await import('../../../src/model/queries.ts');
    expect(parseWith(PathQuery, { traverseEdgeTypes: ['CALLS'], maxDepth: 2 })).toEqual({
      ok: false,
      issues: [{ path: 'startNodeId', message: 'a path query needs startNodeId or startNodeType' }],
    });
    expect(parseWith(PathQuery, { startNodeType: 'automation', traverseEdgeTypes: ['CALLS'], maxDepth: 2 })).toEqual({
      ok: true,
      value: { startNodeType: 'automation', traverseEdgeTypes: ['CALLS'], maxDepth: 2, direction: 'outgoing', limit: 1000 },
    });
    expect(parseWith(PathQuery, { startNodeId: 'x', traverseEdgeTypes: ['CALLS'], maxDepth: 2 }).ok).toBe(true);
  });
});

describe('boundary details', () => {
  it('a tombstone has the same content as its live node, whichever side it is on', async () => {
    const { sameNodeContent } = await import('../../../src/model/hash.ts');
    const tombstone = { ...sp, deletedAt: '2026-01-01T00:00:00.000Z' };
    expect(sameNodeContent(tombstone, sp)).toBe(true);
    expect(sameNodeContent(sp, tombstone)).toBe(true);
    expect(sameNodeContent(tombstone, { ...tombstone, displayName: 'x' })).toBe(false);
  });

  it('a scheme is stripped only at the start of a scope', () => {
    expect(normalizeScope('tenant-https://x')).toBe('tenant-https://x');
  });

  it('a legacy automation gets the required defaults it lacks', () => {
    expect(remapLegacyNode({ nodeId: 'n', nodeType: 'autonomous_identity', properties: { identitySubtype: 'business_rule' } })).toEqual({
      nodeId: 'n',
      nodeType: 'automation',
      properties: { executionMode: 'unknown', securityRelevance: 'internal_inventory', ownershipState: 'unattributed', automationSubtype: 'business_rule' },
    });
  });

  it('a legacy edge with ends that are not text keeps its id, for validation to refuse', () => {
    const odd = {
      edgeId: makeEdgeId('AUTHENTICATES_VIA' as never, 1 as never, 'b'),
      edgeType: 'AUTHENTICATES_VIA',
      sourceNodeId: 1,
      targetNodeId: 'b',
      properties: {},
    };
    expect(remapLegacyEdge(odd)).toEqual({ ...odd, edgeType: 'USES' });
    const odd2 = { ...odd, edgeId: makeEdgeId('AUTHENTICATES_VIA' as never, 'a', 2 as never), sourceNodeId: 'a', targetNodeId: 2 };
    expect(remapLegacyEdge(odd2)).toEqual({ ...odd2, edgeType: 'USES' });
  });

  it('a validation error lists each issue on its own line', () => {
    const error = new ValidationError('graph', [
      { path: 'nodes[0].nodeId', message: 'first' },
      { path: '', message: 'second' },
    ]);
    expect(error.message).toBe('graph is invalid:\n  - nodes[0].nodeId: first\n  - (root): second');
  });

  it('login steps are read back through their schema: a non-list is none, a malformed entry is dropped', async () => {
    const { cloudLoginsOf } = await import('../../../src/model/federation.ts');
    const valid = {
      job: 'j',
      step: 's',
      action: 'azure/login@v2',
      provider: 'azure',
      mode: 'federated',
      clientIdFrom: 'literal',
      audience: 'a',
      issuer: 'i',
      oidcPermission: 'granted',
      secretNames: [],
      claimSets: [],
    };
    expect(cloudLoginsOf(undefined)).toEqual([]);
    expect(cloudLoginsOf('logins')).toEqual([]);
    expect(cloudLoginsOf([valid, { job: 'broken' }])).toEqual([valid]);
  });
});

import { describe, expect, it } from 'vitest';
import { graphql } from '../../../src/api/graphql.ts';
import { ApiLimits } from '../../../src/api/limits.ts';
import { typeDefs } from '../../../src/api/schema.ts';
import { HEAVY_FIELD_WEIGHTS, costLimitRule } from '../../../src/api/validation/cost-limit.ts';
import { depthLimitRule } from '../../../src/api/validation/depth-limit.ts';

const schema = graphql.buildASTSchema(typeDefs);
const limits = ApiLimits.parse({});
const check = (query: string, rule = costLimitRule(limits.maxCost, limits.maxIntrospectionFields)) =>
  graphql.validate(schema, graphql.parse(query), [rule]).map((e) => e.message);
const costOf = (query: string) => {
  const messages = check(query, costLimitRule(0, 0)).join(' ');
  return Number(/query cost (\d+)/.exec(messages)?.[1] ?? 0) + Number(/introspection selects (\d+)/.exec(messages)?.[1] ?? 0);
};

describe('depth and cost limits', () => {
  it("lets a client's full introspection query through, with room to spare", () => {
    const intro = graphql.getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, directiveIsRepeatable: true, specifiedByUrl: true });
    expect(check(intro, depthLimitRule(limits.maxDepth, limits.maxIntrospectionDepth))).toEqual([]);
    expect(check(intro)).toEqual([]);
    expect(costOf(intro)).toBeLessThan(limits.maxIntrospectionFields / 4);
    const amplified = Array.from({ length: 300 }, (_, i) => `s${i}: __schema { types { name fields { name } } }`).join(' ');
    expect(check(`{ ${amplified} }`)).toEqual([expect.stringMatching(/^introspection selects \d+ fields/)]);
  });

  it('counts depth through fragments and inline fragments, and survives fragment cycles', () => {
    const rule = depthLimitRule(3, 16);
    expect(check(`{ node(id: "x") { ...A } } fragment A on Node { edges { target { id } } }`, rule)).toEqual([
      'query depth 4 exceeds the limit of 3',
    ]);
    expect(check(`{ node(id: "x") { ... on Identity { id } } }`, rule)).toEqual([]);
    expect(check(`{ node(id: "x") { ...A } } fragment A on Node { ...B } fragment B on Node { ...A }`, rule)).toEqual([]);
  });

  it('multiplies by page size: first when given, the cap for variables, aliases each paid for', () => {
    const one = costOf(`{ nodes(first: 10) { edges { node { id } } } }`);
    expect(costOf(`{ nodes(first: 20) { edges { node { id } } } }`)).toBeGreaterThan(one * 1.9);
    expect(costOf(`query($n: Int) { nodes(first: $n) { edges { node { id } } } }`)).toBe(costOf(`{ nodes(first: 100) { edges { node { id } } } }`));
    expect(costOf(`{ nodes(first: 100000) { edges { node { id } } } }`)).toBe(costOf(`{ nodes(first: 100) { edges { node { id } } } }`));
    expect(costOf(`{ a: nodes(first: 10) { edges { node { id } } } b: nodes(first: 10) { edges { node { id } } } }`)).toBe(2 * one);
    expect(costOf(`{ viewer { role __typename } }`)).toBe(2);
  });
});

describe('fragment fan-out and heavy fields', () => {
  const fanOut = (levels: number) => {
    let doc = `{ ...F0 }\n`;
    for (let i = 0; i < levels; i++) doc += `fragment F${i} on Query { v${i}: viewer { role } ...F${i + 1} ...F${i + 1} }\n`;
    return `${doc}fragment F${levels} on Query { viewer { keyId } }\n`;
  };

  it('walks each fragment once: a 30-level fan-out costs 2^30 times its leaf and is refused', () => {
    const messages = check(fanOut(30));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^query cost \d+ exceeds/);
    expect(Number(/query cost (\d+)/.exec(messages[0]!)![1])).toBeGreaterThan(2 ** 30);
    expect(check(fanOut(30), depthLimitRule(limits.maxDepth, limits.maxIntrospectionDepth))).toEqual([]);
  });

  it('refuses a document that spreads fragments more often than the cap', () => {
    const spreads = Array.from({ length: 600 }, () => '...V').join(' ');
    expect(check(`{ ${spreads} } fragment V on Query { viewer { role } }`)).toEqual([expect.stringMatching(/spreads fragments more than \d+ times/)]);
  });

  it('prices drift, evidencePack, executionChains and paths by their work, so aliases cannot multiply them unseen', () => {
    const drift = costOf(`{ drift(since: "x") { since } }`);
    expect(drift).toBeGreaterThan(HEAVY_FIELD_WEIGHTS['Query.drift']!);
    expect(costOf(`{ evidencePack(identityId: "x") }`)).toBe(HEAVY_FIELD_WEIGHTS['Query.evidencePack']);
    const aliases = Array.from({ length: 6 }, (_, i) => `d${i}: drift(since: "x") { since }`).join(' ');
    expect(check(`{ ${aliases} }`)).toEqual([expect.stringMatching(/^query cost \d+ exceeds/)]);
  });
});

import { describe, expect, it } from 'vitest';
import { graphql } from '../../../src/api/graphql.ts';
import { ApiLimits } from '../../../src/api/limits.ts';
import { typeDefs } from '../../../src/api/schema.ts';
import { costLimitRule } from '../../../src/api/validation/cost-limit.ts';
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

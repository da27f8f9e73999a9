import { describe, expect, it } from 'vitest';
// @ts-expect-error: browser JavaScript without type declarations (bundled by esbuild, not tsc)
import { chainElements } from '../../../src/api/dashboard/client/chain-graph.mjs';

// The explorer's layout: one lane per source system, one column per hop position, each node once.

const node = (id: string, sourceSystem: string, nodeType: string) => ({ id, sourceSystem, nodeType, displayName: id });
const hop = (position: number, from: ReturnType<typeof node>, to: ReturnType<typeof node>, edgeType: string) => ({
  position,
  from,
  to,
  edge: { id: `${edgeType}:${from.id}:${to.id}`, edgeType, sourceNodeId: from.id, targetNodeId: to.id },
});

describe('chain graph layout', () => {
  const rule = node('rule', 'servicenow', 'automation');
  const job = node('job', 'servicenow', 'automation');
  const include = node('include', 'servicenow', 'automation');
  const profile = node('profile', 'servicenow', 'credential');
  const principal = node('principal', 'entra_id', 'identity');
  const chains = [
    { hops: [hop(0, rule, include, 'CALLS'), hop(1, include, profile, 'USES'), hop(2, profile, principal, 'AUTHENTICATES_AS')] },
    { hops: [hop(0, job, include, 'CALLS'), hop(1, include, profile, 'USES'), hop(2, profile, principal, 'AUTHENTICATES_AS')] },
  ];

  it('puts each node once, in its source system lane, at its hop column', () => {
    const elements = chainElements(chains) as any[];
    const lanes = elements.filter((e) => e.data.lane).map((e) => e.data.id);
    expect(lanes).toEqual(['lane:servicenow', 'lane:entra_id']);
    const placed = Object.fromEntries(elements.filter((e) => e.data.nodeType).map((e) => [e.data.id, e]));
    expect(Object.keys(placed).sort()).toEqual(['include', 'job', 'principal', 'profile', 'rule']);
    expect(placed.principal.data.parent).toBe('lane:entra_id');
    expect(placed.include.data.parent).toBe('lane:servicenow');
    // Columns follow hop positions; the two entry points share column 0 on different rows.
    expect([placed.rule.position.x, placed.include.position.x, placed.profile.position.x, placed.principal.position.x]).toEqual([0, 190, 380, 570]);
    expect(placed.rule.position.y).not.toBe(placed.job.position.y);
    // The identity's lane is below the ServiceNow lane.
    expect(placed.principal.position.y).toBeGreaterThan(placed.job.position.y);
    // Shared hops are drawn once.
    expect(elements.filter((e) => e.group === 'edges')).toHaveLength(4);
  });
});

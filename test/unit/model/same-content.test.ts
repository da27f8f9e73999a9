import { describe, expect, it } from 'vitest';
import { sameEdgeContent, sameJson, sameNodeContent } from '../../../src/model/index.ts';
import { syntheticTenant } from '../../../bench/synthetic/tenant.ts';

describe('content equality used by the diff', () => {
  it('compares JSON deeply, ignoring key order and undefined fields', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });

  it('compares nodes without tombstone bookkeeping, and edges by ends, dates and properties', () => {
    const g = syntheticTenant({ nodes: 50, seed: 4 });
    const node = g.nodes[0]!;
    expect(sameNodeContent(node, structuredClone(node))).toBe(true);
    expect(sameNodeContent(node, { ...node, deletedAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(sameNodeContent(node, { ...node, displayName: 'other' })).toBe(false);
    const edge = g.edges[0]!;
    expect(sameEdgeContent(edge, structuredClone(edge))).toBe(true);
    expect(sameEdgeContent(edge, { ...edge, since: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(sameEdgeContent(edge, { ...edge, properties: { sourceEvidence: 'x' } })).toBe(false);
  });
});

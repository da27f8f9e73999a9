import { createHash } from 'node:crypto';
import type { NormalizedEdge } from './edge.ts';
import type { NormalizedNode } from './node.ts';

// Content hashes (DESIGN decision 3): the diff compares these first and looks at properties only
// when they differ. Canonical JSON (sorted keys, undefined dropped) so key order never matters.

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * A fast content fingerprint: plain JSON in the object's own key order. Equal fingerprints mean
 * equal content; unequal ones may still be equal content in another key order, so the diff then
 * compares canonically (changed-properties) before it reports anything. Hot path: one stringify.
 */
export function nodeFingerprint(node: NormalizedNode): string {
  if (node.deletedAt === undefined) return JSON.stringify(node);
  const { deletedAt: _deletedAt, ...content } = node;
  return JSON.stringify(content);
}

/** Edge content beyond its id (type and ends are part of the id): dates and properties. */
export function edgeFingerprint(edge: NormalizedEdge): string {
  return `${edge.edgeType}|${edge.sourceNodeId}|${edge.targetNodeId}|${edge.since ?? ''}|${edge.until ?? ''}|${JSON.stringify(edge.properties)}`;
}

/** Short stable hashes of the fingerprints, for stores that keep them beside each row. */
export function nodeContentHash(node: NormalizedNode): string {
  return createHash('sha1').update(nodeFingerprint(node)).digest('base64');
}

export function edgeContentHash(edge: NormalizedEdge): string {
  return createHash('sha1').update(edgeFingerprint(edge)).digest('base64');
}

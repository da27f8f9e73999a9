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

/** Hash of everything that describes a node except tombstone bookkeeping. */
export function nodeContentHash(node: NormalizedNode): string {
  const { deletedAt: _deletedAt, ...content } = node;
  return createHash('sha1').update(canonicalJson(content)).digest('base64');
}

export function edgeContentHash(edge: NormalizedEdge): string {
  return createHash('sha1').update(canonicalJson(edge)).digest('base64');
}

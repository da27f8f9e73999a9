import { canonicalJson } from '../model/index.ts';
import type { NormalizedEdge, NormalizedNode } from '../model/index.ts';

/**
 * Names of what differs between two versions of a node: top-level fields by name, type-specific
 * fields as `properties.<name>`. Called only when content hashes differ, so it is off the hot path.
 */
export function changedNodeProperties(before: NormalizedNode, after: NormalizedNode): string[] {
  const changed = new Set<string>();
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (key === 'properties' || key === 'deletedAt') continue;
    if (canonicalJson(b[key]) !== canonicalJson(a[key])) changed.add(key);
  }
  const bp = before.properties as Record<string, unknown>;
  const ap = after.properties as Record<string, unknown>;
  for (const key of new Set([...Object.keys(bp), ...Object.keys(ap)])) {
    if (canonicalJson(bp[key]) !== canonicalJson(ap[key])) changed.add(`properties.${key}`);
  }
  return [...changed].sort();
}

export function changedEdgeProperties(before: NormalizedEdge, after: NormalizedEdge): string[] {
  const changed: string[] = [];
  for (const key of ['since', 'until'] as const) {
    if (before[key] !== after[key]) changed.push(key);
  }
  const bp = before.properties as Record<string, unknown>;
  const ap = after.properties as Record<string, unknown>;
  for (const key of new Set([...Object.keys(bp), ...Object.keys(ap)])) {
    if (canonicalJson(bp[key]) !== canonicalJson(ap[key])) changed.push(`properties.${key}`);
  }
  return changed.sort();
}

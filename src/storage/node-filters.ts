import type { NormalizedNode } from '../model/index.ts';

/**
 * Equality filters over a node: a key names a top-level field (status, sourceSystem …) or, failing
 * that, a type-specific property. An array value means "any of these". Shared by every adapter so
 * filters mean the same everywhere.
 */
export function matchesFilters(node: NormalizedNode, filters: Record<string, unknown> | undefined): boolean {
  if (!filters) return true;
  const top = node as unknown as Record<string, unknown>;
  const props = node.properties as Record<string, unknown>;
  for (const [key, wanted] of Object.entries(filters)) {
    const actual = key in top && key !== 'properties' ? top[key] : props[key];
    if (Array.isArray(wanted) ? !wanted.includes(actual) : actual !== wanted) return false;
  }
  return true;
}

/** Filter keys an adapter may turn into a query: plain identifiers only (no injection surface). */
export const FILTER_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

// Depth caps on data (a JSON value nested 50,000 deep ends every recursive walk with a stack
// overflow: zod, hashing, canonical JSON, structuredClone). Inputs are measured here, iteratively,
// before anything recursive touches them, and refused with the path of the first too-deep spot.

/** Deepest nesting of objects and arrays a property value or JSON input may have. */
export const MAX_JSON_DEPTH = 32;

export interface TooDeep {
  /** Where the value first goes past the limit. */
  path: (string | number)[];
  limit: number;
}

/**
 * The first place `value` nests objects/arrays more than `limit` levels deep (the value itself, if
 * an object or array, is level 1), or undefined. Iterative: safe on any depth.
 */
export function findTooDeep(value: unknown, limit: number = MAX_JSON_DEPTH): TooDeep | undefined {
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value, depth: 0, path: [] }];
  while (stack.length) {
    const { value: v, depth, path } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    const level = depth + 1;
    if (level > limit) return { path, limit };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: level, path: [...path, i] });
    } else {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) stack.push({ value: child, depth: level, path: [...path, k] });
    }
  }
  return undefined;
}

export const tooDeepMessage = (limit: number) => `nested more than ${limit} levels deep (objects and arrays); flatten it`;

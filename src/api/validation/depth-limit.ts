import { graphql } from '../graphql.ts';
import type { ASTVisitor, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { ApiError } from '../errors.ts';
import { MAX_SPREADS } from './cost-limit.ts';

const { GraphQLError, Kind } = graphql;

const isIntrospection = (name: string) => name === '__schema' || name === '__type';

/**
 * Rejects operations nested deeper than `maxDepth` fields. Fragments count where they are spread;
 * introspection subtrees have their own cap, because type references nest deep by design.
 */
export function depthLimitRule(maxDepth: number, maxIntrospectionDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const report = (message: string, node: SelectionSetNode) =>
      context.reportError(new GraphQLError(message, { nodes: [node], originalError: new ApiError('QUERY_TOO_COMPLEX', message) }));

    // How deep a fragment goes below where it is spread, computed once per fragment (a fan-out of
    // fragments each spreading the next twice is one walk per fragment, not one per spread).
    const fragmentDepth = new Map<string, number>();
    let spreads = 0;

    const depthOf = (set: SelectionSetNode | undefined, level: number, seen: ReadonlySet<string>): number => {
      if (!set) return level;
      let deepest = level;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (isIntrospection(s.name.value)) {
            const d = depthOf(s.selectionSet, 1, seen);
            if (d > maxIntrospectionDepth) report(`introspection depth ${d} exceeds the limit of ${maxIntrospectionDepth}`, set);
            continue;
          }
          deepest = Math.max(deepest, depthOf(s.selectionSet, level + 1, seen));
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(s.selectionSet, level, seen));
        } else {
          // A fragment cycle is reported by graphql-js's NoFragmentCycles; here it just stops.
          // Too many spreads are refused by the cost rule; here the walk just stops counting.
          if (++spreads > MAX_SPREADS) return deepest;
          const name = s.name.value;
          const fragment = context.getFragment(name);
          if (!fragment || seen.has(name)) continue;
          let below = fragmentDepth.get(name);
          if (below === undefined) {
            below = depthOf(fragment.selectionSet, 0, new Set([...seen, name]));
            fragmentDepth.set(name, below);
          }
          deepest = Math.max(deepest, level + below);
        }
      }
      return deepest;
    };

    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet, 0, new Set());
        if (depth > maxDepth) report(`query depth ${depth} exceeds the limit of ${maxDepth}`, operation.selectionSet);
        return false;
      },
    };
  };
}

import { graphql } from '../graphql.ts';
import type {
  ASTVisitor,
  FieldNode,
  GraphQLCompositeType,
  GraphQLField,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { ApiError } from '../errors.ts';
import { MAX_PAGE_SIZE } from '../limits.ts';

const { GraphQLError, Kind, SchemaMetaFieldDef, TypeMetaFieldDef, getNamedType, getNullableType, isCompositeType, isInterfaceType, isListType, isObjectType } = graphql;

export interface CostModel {
  /** Assumed length of a list field that takes no `first` (hops, owners, signals …). */
  defaultListSize: number;
  /**
   * What a field costs itself, beyond the fields it returns, as `Type.field` → fields' worth.
   * Fields whose work is a computation over the graph (drift reads the window's events and walks
   * chains; a pack walks chains, history and ownership) are priced by that work, not by their
   * answer's size, so a handful of aliases cannot multiply them past the limit unseen.
   */
  fieldWeights: Record<string, number>;
}

/** The fields priced by their work (see CostModel.fieldWeights); also those under the concurrency cap. */
export const HEAVY_FIELD_WEIGHTS: Record<string, number> = {
  'Query.drift': 10_000,
  'Query.evidencePack': 5_000,
  'Query.executionChains': 1_000,
  'Query.paths': 1_000,
  // Counts chains over the whole tenant (StorageAdapter.postureCounts).
  'Query.posture': 1_000,
};

const DEFAULT_MODEL: CostModel = { defaultListSize: 10, fieldWeights: HEAVY_FIELD_WEIGHTS };

/** Spreads one operation may visit (each fragment is walked once, however often it is spread). */
export const MAX_SPREADS = 500;

export interface Cost {
  /** Estimated fields resolved, lists multiplied by their page size. */
  cost: number;
  /** Introspection fields selected, each counted once (fragments counted where spread). */
  introspection: number;
  /** Fragment spreads visited; over MAX_SPREADS the walk stops and the operation is refused. */
  spreads: number;
}

/**
 * Estimated work of an operation: every field costs 1, and whatever is selected below a list is
 * multiplied by the list's size: `first` when given (capped at the page-size cap; a variable counts
 * as the cap, since validation runs before variables are known and is cached per document), the
 * field's declared default otherwise, `defaultListSize` for plain lists. A connection's own
 * `edges` list is already counted by its `first`. Aliases repeat fields, so each alias is paid
 * for: alias amplification is what this rule stops.
 *
 * Introspection is counted apart, one per field without multipliers: a client's full schema fetch
 * is about 230 fields (with list multipliers it would be 50,000 and crowd out real queries), and
 * a separate, small cap stops a document that repeats `__schema` under many aliases.
 */
export function costOf(context: ValidationContext, set: SelectionSetNode, parent: GraphQLCompositeType, model: CostModel = DEFAULT_MODEL): Cost {
  // Each fragment's cost is computed once and reused at every spread: a fragment that spreads the
  // next one twice, thirty levels deep, is thirty walks, not 2^30 (its cost is still 2^30: refused).
  const fragments = new Map<string, { cost: number; introspection: number }>();
  let introspection = 0;
  let spreads = 0;
  const walk = (selections: SelectionSetNode, type: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const s of selections.selections) {
      if (spreads > MAX_SPREADS) return total;
      if (s.kind === Kind.FIELD) {
        total += fieldCost(s, type, seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? context.getSchema().getType(s.typeCondition.name.value) : type;
        total += walk(s.selectionSet, isCompositeType(on) ? on : type, seen);
      } else {
        spreads += 1;
        const name = s.name.value;
        const fragment = context.getFragment(name);
        if (!fragment || seen.has(name)) continue;
        let known = fragments.get(name);
        if (!known) {
          const on = context.getSchema().getType(fragment.typeCondition.name.value);
          const before = introspection;
          const cost = walk(fragment.selectionSet, isCompositeType(on) ? on : type, new Set([...seen, name]));
          known = { cost, introspection: introspection - before };
          fragments.set(name, known);
        } else {
          introspection += known.introspection;
        }
        total += known.cost;
      }
    }
    return total;
  };

  const fieldCost = (field: FieldNode, parentType: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    const name = field.name.value;
    if (name === '__typename') return 0;
    const definition = name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : fieldDefinition(parentType, name);
    if (name.startsWith('__') || parentType.name.startsWith('__')) {
      introspection += 1;
      const inner = definition ? getNamedType(definition.type) : undefined;
      if (field.selectionSet && inner && isCompositeType(inner)) walk(field.selectionSet, inner, seen);
      return 0;
    }
    if (!definition) return 1; // unknown fields are reported by graphql-js's own rules
    const own = model.fieldWeights[`${parentType.name}.${name}`] ?? 1;
    const inner = getNamedType(definition.type);
    if (!field.selectionSet || !isCompositeType(inner)) return own;
    return own + multiplier(field, definition, parentType) * walk(field.selectionSet, inner, seen);
  };

  const multiplier = (field: FieldNode, definition: GraphQLField<unknown, unknown>, parentType: GraphQLCompositeType): number => {
    const first = definition.args.find((a) => a.name === 'first');
    if (first) {
      const given = field.arguments?.find((a) => a.name.value === 'first')?.value;
      // Larger pages are refused by the resolvers (BAD_USER_INPUT), so the cap is the most a list costs.
      if (given?.kind === Kind.INT) return Math.min(MAX_PAGE_SIZE, Math.max(1, Number(given.value)));
      if (given?.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;
      return typeof first.defaultValue === 'number' ? first.defaultValue : MAX_PAGE_SIZE;
    }
    if (!isListType(getNullableType(definition.type))) return 1;
    return parentType.name.endsWith('Connection') ? 1 : model.defaultListSize;
  };

  const cost = walk(set, parent, new Set());
  return { cost, introspection, spreads };
}

function fieldDefinition(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

export function costLimitRule(maxCost: number, maxIntrospection: number, model?: CostModel): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return false;
      const { cost, introspection, spreads } = costOf(context, operation.selectionSet, root, model);
      const report = (message: string, extra: Record<string, number>) =>
        context.reportError(new GraphQLError(message, { nodes: [operation], originalError: new ApiError('QUERY_TOO_COMPLEX', message, extra) }));
      if (spreads > MAX_SPREADS) {
        report(`the operation spreads fragments more than ${MAX_SPREADS} times`, { maxSpreads: MAX_SPREADS });
        return false;
      }
      if (cost > maxCost) {
        report(`query cost ${cost} exceeds the limit of ${maxCost} (lists count as their page size; lower first or select less)`, { cost, maxCost });
      }
      if (introspection > maxIntrospection) {
        report(`introspection selects ${introspection} fields, over the limit of ${maxIntrospection}`, { introspection, maxIntrospection });
      }
      return false;
    },
  });
}

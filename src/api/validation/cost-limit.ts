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
}

const DEFAULT_MODEL: CostModel = { defaultListSize: 10 };

export interface Cost {
  /** Estimated fields resolved, lists multiplied by their page size. */
  cost: number;
  /** Introspection fields selected, each counted once (fragments counted where spread). */
  introspection: number;
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
  let introspection = 0;
  const walk = (selections: SelectionSetNode, type: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const s of selections.selections) {
      if (s.kind === Kind.FIELD) {
        total += fieldCost(s, type, seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? context.getSchema().getType(s.typeCondition.name.value) : type;
        total += walk(s.selectionSet, isCompositeType(on) ? on : type, seen);
      } else {
        const name = s.name.value;
        const fragment = context.getFragment(name);
        if (!fragment || seen.has(name)) continue;
        const on = context.getSchema().getType(fragment.typeCondition.name.value);
        total += walk(fragment.selectionSet, isCompositeType(on) ? on : type, new Set([...seen, name]));
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
    const inner = getNamedType(definition.type);
    if (!field.selectionSet || !isCompositeType(inner)) return 1;
    return 1 + multiplier(field, definition, parentType) * walk(field.selectionSet, inner, seen);
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
  return { cost, introspection };
}

function fieldDefinition(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

export function costLimitRule(maxCost: number, maxIntrospection: number, model?: CostModel): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return false;
      const { cost, introspection } = costOf(context, operation.selectionSet, root, model);
      const report = (message: string, extra: Record<string, number>) =>
        context.reportError(new GraphQLError(message, { nodes: [operation], originalError: new ApiError('QUERY_TOO_COMPLEX', message, extra) }));
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

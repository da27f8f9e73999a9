import { StorageError } from '../errors.ts';
import { FILTER_KEY } from '../node-filters.ts';
import { NODE_TOP_FIELDS, NULL_PROPERTIES, PROPERTY_PREFIX } from './rows.ts';

export interface CypherFragment {
  /** Predicates, each starting with `\n  AND `, or '' when there are none. */
  text: string;
  params: Record<string, unknown>;
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * Node filters (src/storage/node-filters.ts semantics) as Cypher predicates on `variable`: a key
 * names a top-level field if the node has it, else a `properties` field; an array means "one of";
 * equality is strict, so an object value never matches. Keys must match FILTER_KEY (they become
 * property names); values are always parameters.
 */
export function filterPredicates(variable: string, filters: Record<string, unknown> | undefined, paramPrefix: string): CypherFragment {
  const predicates: string[] = [];
  const params: Record<string, unknown> = {};
  Object.entries(filters ?? {}).forEach(([key, wanted], i) => {
    if (!FILTER_KEY.test(key)) {
      throw new StorageError(`filter key ${JSON.stringify(key)} is not a plain identifier (${FILTER_KEY})`, 'INVALID_INPUT');
    }
    const param = `${paramPrefix}${i}`;
    const top = NODE_TOP_FIELDS.has(key);
    const value = top ? `coalesce(${variable}.${key}, ${variable}.${PROPERTY_PREFIX}${key})` : `${variable}.${PROPERTY_PREFIX}${key}`;
    // JSON null is kept as a name in the null list; it counts only where no top-level field hides it.
    const isNull = `${top ? `${variable}.${key} IS NULL AND ` : ''}$${param}Key IN coalesce(${variable}.${NULL_PROPERTIES}, [])`;
    const options = Array.isArray(wanted) ? wanted : [wanted];
    const scalars = options.filter(isScalar);
    const alternatives: string[] = [];
    if (scalars.length) {
      alternatives.push(Array.isArray(wanted) ? `${value} IN $${param}` : `${value} = $${param}`);
      params[param] = Array.isArray(wanted) ? scalars : wanted;
    }
    if (options.includes(null)) {
      alternatives.push(isNull);
      params[`${param}Key`] = key;
    }
    predicates.push(alternatives.length === 0 ? 'false' : alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`);
  });
  return { text: predicates.map((p) => `\n  AND ${p}`).join(''), params };
}

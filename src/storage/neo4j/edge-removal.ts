import type { ManagedTransaction } from 'neo4j-driver';
import { EDGE_TYPES } from '../../model/index.ts';
import type { EdgeType } from '../../model/index.ts';
import { send } from './pipeline.ts';
import { edgeRemovals } from './statements.ts';

// The edge-id index is per relationship type and an edge id need not say its type, so removing by
// id alone means one index seek per id and type. Trying all 17 types for every id made the
// removals of a 1%-change sync on a million-node graph the slowest part of its commit (each miss
// is a locking seek held to the end of the transaction). Ids made by makeEdgeId start with their
// type (DESIGN decision 2): that type is tried first, and every type only for ids it did not find.

const BY_LENGTH = [...EDGE_TYPES].sort((a, b) => b.length - a.length);

/** The type an edge id names by its `TYPE:` prefix, if any. A hint only: it is checked by the match. */
export function edgeTypeHint(edgeId: string): EdgeType | undefined {
  return BY_LENGTH.find((type) => edgeId.startsWith(`${type}:`));
}

/**
 * Remove edges by id inside `tx` (history archived as edges/remove-by-id.cypher does). Every
 * hinted type's statements are sent before this returns its promise (pipeline.ts); the ids none
 * of them found are tried against every type once those answers are in.
 */
export async function removeEdgesById(tx: ManagedTransaction, tenantId: string, edgeIds: readonly string[], at: string, batchSize?: number): Promise<void> {
  const hinted = new Map<EdgeType, string[]>();
  const rest: string[] = [];
  for (const id of new Set(edgeIds)) {
    const type = edgeTypeHint(id);
    if (!type) rest.push(id);
    else {
      let list = hinted.get(type);
      if (!list) hinted.set(type, (list = []));
      list.push(id);
    }
  }
  const tries = [...hinted].map(([type, ids]) => send(tx, edgeRemovals(tenantId, ids, [type], at, batchSize)).then((results) => ({ ids, results })));
  for (const { ids, results } of await Promise.all(tries)) {
    const found = new Set<string>();
    for (const result of results) for (const record of result.records) found.add(record.get('edgeId') as string);
    for (const id of ids) if (!found.has(id)) rest.push(id);
  }
  await send(tx, edgeRemovals(tenantId, rest, EDGE_TYPES, at, batchSize));
}

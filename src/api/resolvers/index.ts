import type { DocumentNode } from 'graphql';
import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { enforceRoles } from '../roles.ts';
import { chainResolvers } from './chains.ts';
import { driftResolvers } from './drift.ts';
import { evidenceResolvers } from './evidence.ts';
import { edgeResolvers, nodeResolvers } from './nodes.ts';
import { ownershipResolvers } from './ownership.ts';
import { postureResolvers } from './posture.ts';
import { queryResolvers } from './query.ts';
import { recordResolvers } from './records.ts';
import type { ResolverMap } from './types.ts';

/** Merge per-area maps type by type (several areas add Query fields). */
function merge(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) out[type] = { ...(out[type] ?? {}), ...fields };
  }
  return out;
}

/** Every resolver of the schema, with the @requires role checks applied. */
export function createResolvers(typeDefs: DocumentNode): ResolverMap {
  const resolvers = merge(
    queryResolvers,
    nodeResolvers(typeDefs),
    edgeResolvers,
    chainResolvers,
    ownershipResolvers,
    recordResolvers,
    evidenceResolvers,
    driftResolvers,
    postureResolvers,
  );
  return enforceRoles(typeDefs, { ...resolvers, DateTime: DateTimeResolver, JSONObject: JSONObjectResolver, JSON: JSONResolver });
}

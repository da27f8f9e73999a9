import type { DocumentNode, GraphQLFieldResolver } from 'graphql';
import type { ApiContext } from '../context.ts';
import { HEAVY_FIELD_WEIGHTS } from '../validation/cost-limit.ts';
import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { enforceRoles } from '../roles.ts';
import { auditResolvers } from './audit.ts';
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
    auditResolvers,
    postureResolvers,
  );
  return enforceRoles(typeDefs, { ...capHeavyFields(resolvers), DateTime: DateTimeResolver, JSONObject: JSONObjectResolver, JSON: JSONResolver });
}

/** The expensive fields run through the server's concurrency cap (heavy-work.ts). */
function capHeavyFields(resolvers: ResolverMap): ResolverMap {
  const out: ResolverMap = { ...resolvers };
  for (const coordinate of Object.keys(HEAVY_FIELD_WEIGHTS)) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const fields = { ...((out[typeName] as Record<string, GraphQLFieldResolver<unknown, ApiContext>> | undefined) ?? {}) };
    const inner = fields[fieldName];
    if (!inner) continue;
    fields[fieldName] = (parent, args, ctx, info) => (ctx.heavy ? ctx.heavy.run(ctx.principal.keyId, ctx.deadline, async () => inner(parent, args, ctx, info)) : inner(parent, args, ctx, info));
    out[typeName] = fields;
  }
  return out;
}

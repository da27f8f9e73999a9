import type { GraphQLResolveInfo } from 'graphql';
import type { ApiContext } from '../context.ts';

/** A field resolver with a typed parent; arguments are parsed with zod inside (src/api/inputs.ts). */
export type Resolver<P> = (parent: P, args: Record<string, unknown>, ctx: ApiContext, info: GraphQLResolveInfo) => unknown;

/** Type name → field resolvers (or a scalar / __resolveType). */
export type ResolverMap = Record<string, object>;

import { graphql } from './graphql.ts';
import type { DocumentNode, GraphQLFieldResolver } from 'graphql';
import { Role, roleAtLeast } from './auth/api-keys.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import type { ResolverMap } from './resolvers/types.ts';

const { Kind, defaultFieldResolver } = graphql;

/** `Type.field` → the least role it needs, read from the @requires directives in the schema. */
export function requiredRoles(typeDefs: DocumentNode): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === 'requires');
      const arg = directive?.arguments?.find((a) => a.name.value === 'role')?.value;
      if (arg?.kind === Kind.ENUM) roles.set(`${def.name.value}.${field.name.value}`, Role.parse(arg.value));
    }
  }
  return roles;
}

/**
 * Wrap every field that carries @requires(role) so a caller below that role gets FORBIDDEN and
 * no data. Fields without a resolver get the default one, wrapped.
 */
export function enforceRoles(typeDefs: DocumentNode, resolvers: ResolverMap): ResolverMap {
  const out: ResolverMap = { ...resolvers };
  for (const [coordinate, role] of requiredRoles(typeDefs)) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const fields = { ...((out[typeName] as Record<string, GraphQLFieldResolver<unknown, ApiContext>> | undefined) ?? {}) };
    const inner = fields[fieldName] ?? defaultFieldResolver;
    fields[fieldName] = (parent, args, ctx, info) => {
      if (!roleAtLeast(ctx.principal.role, role)) {
        throw new ApiError('FORBIDDEN', `${coordinate} needs the ${role} role; this API key is a ${ctx.principal.role}`);
      }
      return inner(parent, args, ctx, info);
    };
    out[typeName] = fields;
  }
  return out;
}

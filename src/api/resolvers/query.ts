import { notFound } from '../errors.ts';
import { NodeArgs, NodesArgs, parseArgs } from '../inputs.ts';
import { decodeCursor, encodeCursor, connection } from '../pagination.ts';
import { resolveApiAsOf } from './as-of.ts';
import type { Resolver, ResolverMap } from './types.ts';

const node: Resolver<unknown> = async (_parent, args, ctx) => {
  const { id } = parseArgs(NodeArgs, args, 'node');
  // Another tenant's id is simply not in this tenant's storage: NOT_FOUND, and nothing else.
  const found = await ctx.loaders.node.load(id);
  if (!found) throw notFound(`node ${id}`);
  return found;
};

const nodes: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(NodesArgs, args, 'nodes');
  const f = a.filter;
  const filters: Record<string, unknown> = {
    ...(f?.properties ?? {}),
    ...(f?.status ? { status: f.status } : {}),
    ...(f?.sourceSystem ? { sourceSystem: f.sourceSystem } : {}),
    ...(f?.sourceScope ? { sourceScope: f.sourceScope } : {}),
    ...(f?.displayName !== undefined ? { displayName: f.displayName } : {}),
  };
  const asOf = await resolveApiAsOf(ctx, a.asOf);
  const page = await ctx.scope.listNodes({
    ...(a.type ? { nodeType: a.type } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    includeDeleted: f?.includeDeleted ?? false,
    first: a.first,
    ...(a.after ? { after: decodeCursor('node', a.after)[0]! } : {}),
  }, asOf ? { asOf } : undefined);
  // Nodes of a past moment are not primed: the loaders answer for the current graph.
  if (!asOf) ctx.loaders.prime(page.nodes);
  return connection(
    page.nodes.map((n) => ({ cursor: encodeCursor('node', [n.nodeId]), node: n })),
    page.hasNextPage,
  );
};

export const queryResolvers: ResolverMap = {
  Query: {
    viewer: ((_parent, _args, ctx) => ctx.principal) satisfies Resolver<unknown>,
    node,
    nodes,
  },
};

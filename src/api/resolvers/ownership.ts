import { ownershipOf } from '../../analysis/ownership-report.ts';
import type { OwnershipReport } from '../../analysis/ownership-report.ts';
import type { OwnerSummary } from '../../resolve/ownership.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { OwnershipArgs, parseArgs } from '../inputs.ts';
import { resolveApiAsOf } from './as-of.ts';
import type { Resolver, ResolverMap } from './types.ts';

const ownership: Resolver<unknown> = async (_parent, args, ctx) => {
  const { nodeId, asOf } = parseArgs(OwnershipArgs, args, 'ownership');
  const at = await resolveApiAsOf(ctx, asOf);
  const report = await ctx.scope.analyse((storage, tenantId) => ownershipOf(storage, tenantId, nodeId, at));
  if (!report) throw notFound(`node ${nodeId}`);
  return report;
};

export const ownershipResolvers: ResolverMap = {
  Query: { ownership },
  OwnershipReport: {
    recordedState: (r: OwnershipReport) => (r.node.properties as { ownershipState?: string }).ownershipState ?? null,
  },
  Owner: {
    node: (o: OwnerSummary, _args: unknown, ctx: ApiContext) => ctx.loaders.node.load(o.nodeId),
  },
};

import { z } from 'zod';
import { computeDrift } from '../../drift/compute-drift.ts';
import { UnknownAsOfError } from '../../storage/as-of.ts';
import type { StorageAdapter } from '../../storage/StorageAdapter.ts';
import { badInput } from '../errors.ts';
import { parseArgs } from '../inputs.ts';
import type { Resolver, ResolverMap } from './types.ts';

const Moment = z.string().min(1).max(200);
const DriftArgs = z.object({
  since: Moment,
  until: Moment.nullish(),
  expiringWithinDays: z.number().int().min(0).max(3_650).default(30),
});

// The same report as `authgraph drift`, for the caller's tenant only.
const drift: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(DriftArgs, args, 'drift');
  try {
    const compute = (storage: StorageAdapter, tenantId: string) =>
      computeDrift(storage, tenantId, { since: a.since, ...(a.until ? { until: a.until } : {}), expiringWithinDays: a.expiringWithinDays });
    // Between two given moments the report depends on the data alone: worth sharing (the dashboard's
    // timeline asks for every pair of syncs). Without `until` it depends on the clock.
    return await (a.until ? ctx.scope.shared(`drift ${a.since} ${a.until} ${a.expiringWithinDays}`, compute) : ctx.scope.analyse(compute));
  } catch (error) {
    if (error instanceof UnknownAsOfError || error instanceof RangeError) throw badInput(error.message);
    throw error;
  }
};

export const driftResolvers: ResolverMap = { Query: { drift } };

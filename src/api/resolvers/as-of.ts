import { UnknownAsOfError, resolveAsOf } from '../../storage/as-of.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';

/** asOf (ISO time or sync id of the caller's tenant) → the ISO time reads use; BAD_USER_INPUT if unknown. */
export async function resolveApiAsOf(ctx: ApiContext, asOf: string | null | undefined): Promise<string | undefined> {
  if (!asOf) return undefined;
  try {
    return await ctx.scope.analyse((storage, tenantId) => resolveAsOf(storage, tenantId, asOf));
  } catch (error) {
    if (error instanceof UnknownAsOfError) throw badInput(error.message);
    throw error;
  }
}

import { chainId } from '../analysis/execution-chains.ts';
import type { PartialPath } from '../analysis/partial-chains.ts';
import type { DriftReport, ExecutionPath, NodeType } from '../model/index.ts';
import { checkpoint } from '../runtime/cooperative.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { driftWith } from './compute-drift.ts';
import type { ChainDiffer, DriftOptions } from './compute-drift.ts';
import type { DriftContext } from './drift-context.ts';

/**
 * Drift by recomputing every chain: all chains to every identity and every partial chain at every
 * connection and credential, at both ends of the window, compared by chain id. It costs the whole
 * graph; computeDrift must give exactly its findings (the equivalence tests and bench/drift.bench.ts
 * hold the two side by side). Every other finding is derived by the same code in both.
 */
export function computeDriftFromScratch(storage: StorageAdapter, tenantId: string, options: DriftOptions): Promise<DriftReport> {
  return driftWith(storage, tenantId, options, everyChain);
}

const everyChain: ChainDiffer = async (ctx) => {
  const identities = await nodesAtEitherEnd(ctx, ['identity']);
  const chains = { added: [] as ExecutionPath[], removed: [] as ExecutionPath[] };
  for (const id of identities) {
    await checkpoint();
    const d = diffById(await ctx.chainsTo(id, ctx.since), await ctx.chainsTo(id, ctx.until), (c) => chainId(c));
    chains.added.push(...d.added);
    chains.removed.push(...d.removed);
  }
  const partials = { added: [] as PartialPath[], removed: [] as PartialPath[] };
  for (const id of await nodesAtEitherEnd(ctx, ['connection', 'credential'])) {
    await checkpoint();
    const d = diffById(await ctx.partialChainsAt(id, ctx.since), await ctx.partialChainsAt(id, ctx.until), (p) => chainId(p.path));
    partials.added.push(...d.added);
    partials.removed.push(...d.removed);
  }
  return { chains, partials, identities: identities.length };
};

async function nodesAtEitherEnd(ctx: DriftContext, types: NodeType[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const asOf of [ctx.since, ctx.until]) {
    for (const type of types) for (const n of await ctx.storage.getNodesByType(ctx.tenantId, type, { asOf })) ids.add(n.nodeId);
  }
  return [...ids].sort();
}

function diffById<T>(before: T[], after: T[], id: (x: T) => string): { added: T[]; removed: T[] } {
  const beforeIds = new Set(before.map(id));
  const afterIds = new Set(after.map(id));
  return { added: after.filter((x) => !beforeIds.has(id(x))), removed: before.filter((x) => !afterIds.has(id(x))) };
}

import { CHAIN_KINDS } from '../model/index.ts';
import type { ChainKind, ExecutionPath } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { isEntryPoint } from './entry-points.ts';
import { chainId, findPathsToIdentities } from './execution-chains.ts';
import type { ChainQuery } from './execution-chains.ts';
import { findInboundPaths } from './inbound-chains.ts';
import { findPartialPaths } from './partial-chains.ts';
import type { ChainStop } from './partial-chains.ts';

/**
 * One chain as a verdict an analyst can sign: the path, how far its evidence goes (kind), whether
 * it starts at something that runs by itself, and where and why it stops when it ends at no
 * identity. Latent paths start at library code nothing calls; they may stop short too.
 */
export interface ChainVerdict {
  kind: ChainKind;
  path: ExecutionPath;
  /** The start runs by itself (entry-points.ts), or is an identity holding its own credential. */
  entryPoint: boolean;
  /** Set when the chain ends at no identity. */
  stop: ChainStop | null;
}

export interface VerdictQuery extends ChainQuery {
  /** Which kinds to return; absent: every kind. */
  kinds?: readonly ChainKind[];
}

export const verdictId = (v: ChainVerdict): string => chainId(v.path);

/**
 * Every chain verdict matching the query, ordered by start node and edges (the order of
 * maximalChains), capped at query.limit. Partial chains end at no identity, so a `to` query
 * returns only complete, latent and inbound ones.
 */
export async function findChainVerdicts(storage: StorageAdapter, tenantId: string, query: VerdictQuery): Promise<ChainVerdict[]> {
  const kinds = new Set<ChainKind>(query.kinds ?? CHAIN_KINDS);
  const wants = (...k: ChainKind[]) => k.some((x) => kinds.has(x));
  const [complete, partial, inbound] = await Promise.all([
    wants('authenticates_as', 'runs_as', 'latent') ? findPathsToIdentities(storage, tenantId, query) : [],
    wants('partial', 'latent') && !query.to ? findPartialPaths(storage, tenantId, query) : [],
    wants('inbound_oauth') ? findInboundPaths(storage, tenantId, query) : [],
  ]);
  const verdicts: ChainVerdict[] = [
    ...complete.map((path): ChainVerdict => {
      const entryPoint = isEntryPoint(path.startNode);
      const kind = !entryPoint ? 'latent' : path.edges.at(-1)?.edgeType === 'RUNS_AS' ? 'runs_as' : 'authenticates_as';
      return { kind, path, entryPoint, stop: null };
    }),
    ...partial.map(({ path, stop }): ChainVerdict => {
      const entryPoint = isEntryPoint(path.startNode);
      return { kind: entryPoint ? 'partial' : 'latent', path, entryPoint, stop };
    }),
    ...inbound.map((path): ChainVerdict => ({ kind: 'inbound_oauth', path, entryPoint: true, stop: null })),
  ];
  return verdicts
    .filter((v) => kinds.has(v.kind))
    .sort((a, b) => compare(a.path.startNode.nodeId, b.path.startNode.nodeId) || compare(edgeKey(a.path), edgeKey(b.path)))
    .slice(0, query.limit ?? 1_000);
}

const edgeKey = (p: ExecutionPath) => p.edges.map((e) => e.edgeId).join('>');
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

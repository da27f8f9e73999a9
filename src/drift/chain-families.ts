import { CHAIN_EDGE_TYPES, PARTIAL_TO_CONNECTION_EDGE_TYPES, PARTIAL_TO_CREDENTIAL_EDGE_TYPES } from '../model/index.ts';
import type { PathFamily } from './changed-paths.ts';

// The chains drift compares, as changed-paths.ts walks them: the same hops and ends as
// findExecutionChains and findPartialPathsEndingAt, said once for the walk from a change.

/** automation → … → identity (execution-chains.ts). */
export const EXECUTION_CHAINS: PathFamily = {
  traverse: CHAIN_EDGE_TYPES,
  endType: 'identity',
  noIdentityInside: true,
  endStatusEdges: [],
  endQualifies: async () => true,
};

/** automation → … → a connection with no credential to follow (partial-chains.ts). */
export const STOPS_AT_CONNECTION: PathFamily = {
  traverse: PARTIAL_TO_CONNECTION_EDGE_TYPES,
  endType: 'connection',
  noIdentityInside: false,
  endStatusEdges: ['USES'],
  endQualifies: async (ctx, end, asOf) => (await ctx.stopAt(end, asOf)) !== null,
};

/** automation → … → a credential that authenticates as no one (partial-chains.ts). */
export const STOPS_AT_CREDENTIAL: PathFamily = {
  traverse: PARTIAL_TO_CREDENTIAL_EDGE_TYPES,
  endType: 'credential',
  noIdentityInside: false,
  endStatusEdges: ['AUTHENTICATES_AS'],
  endQualifies: async (ctx, end, asOf) => (await ctx.stopAt(end, asOf)) !== null,
};

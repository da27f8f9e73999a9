import { z } from 'zod';
import { DateTime } from './common.ts';
import type { OwnershipState } from './enums.ts';

// The tenant's authority posture (dashboard issue): counts and short ranked lists that the store
// computes where the data is, so a 100k-node tenant is never read into the API process.

/**
 * Kinds of chain verdict. Only "full" chains (automation → … → identity) exist today; the verdicts
 * issue adds partial chains and latent paths, which become more values here.
 */
export const CHAIN_VERDICT_KINDS = ['full'] as const;
export const ChainVerdictKind = z.enum(CHAIN_VERDICT_KINDS);
export type ChainVerdictKind = z.infer<typeof ChainVerdictKind>;

export const MAX_POSTURE_TOP = 100;

export const PostureQuery = z.object({
  /** The present for expiry: credentials with expiresAt before it are expired. */
  now: DateTime,
  /** Credentials with now ≤ expiresAt < expiringBefore are expiring. */
  expiringBefore: DateTime,
  /** Length of each ranked list. */
  top: z.number().int().min(0).max(MAX_POSTURE_TOP),
});
export type PostureQuery = z.infer<typeof PostureQuery>;

/** One entry of a ranked list: a node and how many full chains run through it. */
export interface PostureEntry {
  nodeId: string;
  chains: number;
  /** Credentials only. */
  expiresAt?: string;
}

export interface PostureList {
  count: number;
  /** The first `top` entries (order per list, see PostureCounts). */
  top: PostureEntry[];
}

/**
 * What StorageAdapter.postureCounts answers, as the graph stood at the read's moment. A chain is a
 * maximal execution chain (src/analysis/execution-chains.ts): automation → CALLS* → … → identity
 * over live nodes and edges, at most maxDepth hops, not the tail of a longer one.
 */
export interface PostureCounts {
  /** Live identities by the ownership state their connector recorded. */
  identitiesByOwnership: Record<OwnershipState, number>;
  chainsByKind: Record<ChainVerdictKind, number>;
  /**
   * Live identities some chain ends at that hold a privileged role (HAS_ROLE or MEMBER_OF a role
   * with isPrivileged); ranked by chains, most first, then nodeId.
   */
  privilegedReachable: PostureList;
  /**
   * Credentials on a chain (the credential of its AUTHENTICATES_AS hop) whose status is expired or
   * whose expiresAt is before `now`; ranked by expiresAt, soonest first (none last), then nodeId.
   */
  credentialsExpired: PostureList;
  /** Credentials on a chain, not expired, with expiresAt before `expiringBefore`; same order. */
  credentialsExpiring: PostureList;
}

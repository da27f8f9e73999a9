import { z } from 'zod';
import { DateTime } from './common.ts';
import type { ChainKind } from './chains.ts';
import type { OwnershipState } from './enums.ts';

// The tenant's authority posture (dashboard issue): counts and short ranked lists that the store
// computes where the data is, so a 100k-node tenant is never read into the API process.

export const MAX_POSTURE_TOP = 100;

export const PostureQuery = z.object({
  /**
   * Automations that start no chain, as `sourceSystem:automationSubtype` (src/analysis/entry-points.ts):
   * a path from one of them is a latent path.
   */
  calledOnly: z.array(z.string().min(1).max(200)).max(1_000),
  /** The present for expiry: credentials with expiresAt before it are expired. */
  now: DateTime,
  /** Credentials with now ≤ expiresAt < expiringBefore are expiring. */
  expiringBefore: DateTime,
  /** Length of each ranked list. */
  top: z.number().int().min(0).max(MAX_POSTURE_TOP),
});
export type PostureQuery = z.infer<typeof PostureQuery>;

/** One entry of a ranked list: a node and how many execution chains run through it. */
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
 * What StorageAdapter.postureCounts answers, as the graph stood at the read's moment. Every chain
 * kind the chain analysis finds (src/analysis; the definitions, one walk: storage/posture-walk.ts):
 * a maximal path over live nodes and edges, at most DEFAULT_CHAIN_DEPTH hops, not the tail of a
 * longer one, from an automation to an identity (runs_as or authenticates_as by its last hop), or
 * to the connection or credential where it stops (partial); latent when it starts at library code;
 * and inbound_oauth, an identity's AUTHENTICATES_TO edge to an identity of another source system.
 * The ranked lists follow execution chains to identities only (latent paths run nowhere).
 */
export interface PostureCounts {
  /** Live identities by the ownership state their connector recorded. */
  identitiesByOwnership: Record<OwnershipState, number>;
  chainsByKind: Record<ChainKind, number>;
  /**
   * Live identities some execution chain ends at that hold a privileged role (HAS_ROLE or MEMBER_OF a role
   * with isPrivileged); ranked by chains, most first, then nodeId.
   */
  privilegedReachable: PostureList;
  /**
   * Credentials on an execution chain (the credential of its AUTHENTICATES_AS hop) whose status is expired or
   * whose expiresAt is before `now`; ranked by expiresAt, soonest first (none last), then nodeId.
   */
  credentialsExpired: PostureList;
  /** Credentials on an execution chain, not expired, with expiresAt before `expiringBefore`; same order. */
  credentialsExpiring: PostureList;
}

import { z } from 'zod';
import type { EdgeType } from './enums.ts';

// What a chain verdict can say (issue 12). A chain is a claim an analyst signs, so the kind says
// how far the evidence goes: to an identity (authenticates_as, runs_as, inbound_oauth), only to a
// connection or credential (partial, with a stop reason), or from library code that nothing calls
// (latent: the capability is there, nothing runs it).

export const CHAIN_KINDS = ['authenticates_as', 'runs_as', 'inbound_oauth', 'partial', 'latent'] as const;
export const ChainKind = z.enum(CHAIN_KINDS);
export type ChainKind = z.infer<typeof ChainKind>;

/** Execution chains proper: they start at something that runs by itself and end at an identity. */
export const EXECUTION_CHAIN_KINDS: readonly ChainKind[] = ['authenticates_as', 'runs_as', 'inbound_oauth'];

export const CHAIN_STOP_REASONS = ['stops_at_connection', 'stops_at_credential'] as const;
export const ChainStopReason = z.enum(CHAIN_STOP_REASONS);
export type ChainStopReason = z.infer<typeof ChainStopReason>;

// The chain shapes every chain finder and every store's posture count share (src/analysis finds
// chains through the store's path queries; the stores count them in place: posture-walk.ts and
// cypher/posture/). Defined here, in the model, so storage never imports analysis.

/** Edges of an execution chain (seed 003 "EXECUTION CHAIN PATTERN"), plus the short RUNS_AS form. */
export const CHAIN_EDGE_TYPES: EdgeType[] = ['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS', 'RUNS_AS'];
/** The longest chain followed, in hops. */
export const DEFAULT_CHAIN_DEPTH = 8;
/** A partial chain stopping at a connection (one with no USES edge) follows these hops only. */
export const PARTIAL_TO_CONNECTION_EDGE_TYPES: EdgeType[] = ['CALLS', 'INVOKES'];
/** A partial chain stopping at a credential (one with no AUTHENTICATES_AS edge) follows these hops only. */
export const PARTIAL_TO_CREDENTIAL_EDGE_TYPES: EdgeType[] = ['CALLS', 'INVOKES', 'USES'];
/** An inbound chain: one identity's AUTHENTICATES_TO edge to an identity of another source system. */
export const INBOUND_EDGE_TYPE: EdgeType = 'AUTHENTICATES_TO';

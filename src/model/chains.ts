import { z } from 'zod';

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

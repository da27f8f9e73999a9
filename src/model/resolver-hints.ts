import { z } from 'zod';
import { NonEmpty } from './common.ts';

// What a connector hands the EdgeResolver beside its graph: script text and reference fields the
// graph must not carry (a script may hold a secret) but the cross-record edges are read from.
// Defined here, not in the connector contract, so the resolver depends only on the model.

export const ResolverHints = z.object({
  scripts: z.array(z.object({ nodeId: NonEmpty, field: NonEmpty, text: z.string() })),
  runAs: z.array(z.object({ nodeId: NonEmpty, runAs: NonEmpty, runAsType: z.enum(['configured', 'inherited', 'system']) })),
  triggers: z.array(
    z.object({
      nodeId: NonEmpty,
      table: NonEmpty,
      triggerType: z.enum(['schedule', 'event', 'manual', 'api_call']),
      schedule: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});
export type ResolverHints = z.infer<typeof ResolverHints>;

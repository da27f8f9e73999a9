import { z } from 'zod';
import { DateTime, JsonValue, NonEmpty } from './common.ts';

export const DRIFT_FINDING_TYPES = [
  'chain_added',
  'chain_removed',
  'scope_expanded',
  'owner_changed',
  'became_orphaned',
  'credential_added',
  'credential_expiring',
  'credential_expired_in_use',
  'cross_system_link_added',
  'partial_chain_added',
  'partial_chain_removed',
] as const;
export const DriftFindingType = z.enum(DRIFT_FINDING_TYPES);
export type DriftFindingType = z.infer<typeof DriftFindingType>;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/**
 * A typed change in who-can-run-as-what between two moments. The id is deterministic from the
 * tenant, the type, the subject and the evidence (not from the window), so a rerun over an
 * overlapping window finds the same finding and publishes nothing new.
 */
export const DriftFinding = z.object({
  findingId: NonEmpty,
  tenantId: NonEmpty,
  type: DriftFindingType,
  severity: Severity,
  summary: z.string(),
  /** The entities the finding is about (identity, credential, owner …). */
  entityIds: z.array(z.string()),
  /** Ids of the execution chains it touches (chainId). */
  chainIds: z.array(z.string()),
  /** Ids of the stored events that caused it (empty for time-driven findings such as expiry). */
  eventIds: z.array(z.string()),
  before: JsonValue.nullable(),
  after: JsonValue.nullable(),
  /** When the change became visible: the event time, or the window's end for time-driven ones. */
  observedAt: DateTime,
});
export type DriftFinding = z.infer<typeof DriftFinding>;

export const DriftReport = z.object({
  tenantId: NonEmpty,
  since: DateTime,
  until: DateTime,
  findings: z.array(DriftFinding),
  /** What the computation looked at: it follows the size of the change, not of the graph. */
  examined: z.object({ events: z.number().int(), entities: z.number().int(), identities: z.number().int(), credentials: z.number().int() }),
});
export type DriftReport = z.infer<typeof DriftReport>;

import { z } from 'zod';
import { DateTime, JsonValue, NonEmpty } from './common.ts';
import { EdgeType, NODE_TYPES, OwnershipState } from './enums.ts';
import type { NodeType } from './enums.ts';

// Proof of a cross-system link (seed 003, AUTHENTICATES_TO): issuer and target instance are
// required so multi-tenant / multi-instance setups can't be confused.
export const EvidenceReferences = z.object({
  issuingSystemId: NonEmpty,
  issuingTenantId: NonEmpty,
  targetSystemId: NonEmpty,
  targetInstanceId: NonEmpty,
  targetRecordSysId: z.string().optional(),
  matchingField: NonEmpty,
  matchingValue: NonEmpty,
  targetUserBinding: z.string().optional(),
});
export type EvidenceReferences = z.infer<typeof EvidenceReferences>;

// Where an edge came from: read directly from a source record, or inferred by a resolver rule.
export const EdgeProvenance = z.object({
  origin: z.enum(['source_record', 'resolver']),
  rule: z.string().optional(),
  detail: z.string().optional(),
  sourceRecordIds: z.array(z.string()).optional(),
  retrievedAt: DateTime.optional(),
});
export type EdgeProvenance = z.infer<typeof EdgeProvenance>;

export const EdgeProperties = z
  .object({
    grantedBy: z.string().optional(),
    sourceEvidence: z.string().optional(),
    provenance: EdgeProvenance.optional(),
    ownershipStatus: OwnershipState.optional(),
    inherited: z.boolean().optional(),
    executionCount: z.number().int().nonnegative().optional(),
    lastExecution: DateTime.optional(),
    evidenceReferences: EvidenceReferences.optional(),
    approvalType: z.enum(['initial_setup', 'role_addition', 'scope_expansion', 'reapproval']).optional(),
    approvalEvidence: z.string().optional(),
    runAsType: z.enum(['configured', 'inherited', 'system']).optional(),
    triggerType: z.enum(['schedule', 'event', 'manual', 'api_call']).optional(),
    schedule: z.string().optional(),
    createdAt: DateTime.optional(),
    creationContext: z.string().optional(),
    callType: z.enum(['direct', 'include', 'delegate']).optional(),
    httpMethod: z.string().optional(),
  })
  .catchall(JsonValue);
export type EdgeProperties = z.infer<typeof EdgeProperties>;

export const NormalizedEdge = z
  .object({
    edgeId: NonEmpty,
    edgeType: EdgeType,
    sourceNodeId: NonEmpty,
    targetNodeId: NonEmpty,
    since: DateTime.optional(),
    until: DateTime.optional(),
    properties: EdgeProperties,
  })
  .superRefine((edge, ctx) => {
    // The seed requires full evidence on every cross-system auth link.
    if (edge.edgeType === 'AUTHENTICATES_TO' && !edge.properties.evidenceReferences) {
      ctx.addIssue({
        code: 'custom',
        path: ['properties', 'evidenceReferences'],
        message: 'AUTHENTICATES_TO needs evidenceReferences (issuer, target instance, matching field and value)',
      });
    }
  });
export type NormalizedEdge = z.infer<typeof NormalizedEdge>;

// Which node types each edge type may join (seed 003 comments on NormalizedEdgeType). Checked when
// both ends are in the same graph; cross-connector ends are checked at resolve time.
const ANY: readonly NodeType[] = NODE_TYPES;
export const EDGE_ENDPOINTS: Record<EdgeType, { from: readonly NodeType[]; to: readonly NodeType[] }> = {
  OWNED_BY: { from: ANY, to: ['human_identity'] },
  HAS_ROLE: { from: ['identity', 'human_identity', 'credential'], to: ['role'] },
  GRANTS: { from: ['role', 'identity', 'credential'], to: ['permission'] },
  APPLIES_TO: { from: ['permission'], to: ['resource'] },
  EXECUTES_ON: { from: ['automation', 'identity', 'execution_evidence'], to: ['resource'] },
  APPROVED_BY: { from: ANY, to: ['human_identity'] },
  MEMBER_OF: { from: ['identity', 'human_identity'], to: ['role'] },
  BELONGS_TO: { from: ['human_identity'], to: ['human_identity', 'role'] },
  AUTHENTICATES_TO: { from: ['identity', 'credential'], to: ['identity'] },
  DELEGATES_TO: { from: ['identity'], to: ['identity'] },
  RUNS_AS: { from: ['automation'], to: ['identity', 'human_identity'] },
  TRIGGERS_ON: { from: ['automation'], to: ['resource', 'execution_evidence'] },
  CREATED_BY: { from: ANY, to: ['human_identity'] },
  CALLS: { from: ['automation'], to: ['automation'] },
  INVOKES: { from: ['automation'], to: ['connection'] },
  USES: { from: ['connection', 'automation'], to: ['credential'] },
  AUTHENTICATES_AS: { from: ['credential'], to: ['identity'] },
};

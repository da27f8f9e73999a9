import type { EdgeType, NormalizedNode } from '../model/index.ts';

// The seed's "trigger-relevant changes": which changes put an entity on entitiesToEvaluate.

const IDENTITY_TRIGGER_PROPERTIES = new Set(['properties.ownershipState', 'properties.lastActivityAt', 'status']);
const AUTOMATION_TRIGGER_PROPERTIES = new Set([
  'properties.executionMode',
  'properties.securityRelevance',
  'properties.ownershipState',
  'status',
]);
const HUMAN_STATUS_PROPERTIES = new Set([
  'status',
  'properties.accountEnabled',
  'properties.disabledAt',
  'properties.deletedAt',
  'properties.departedAt',
]);

/** Ownership and role edges change what an identity can do or who answers for it. */
export const TRIGGER_EDGE_TYPES: ReadonlySet<EdgeType> = new Set<EdgeType>([
  'OWNED_BY',
  'HAS_ROLE',
  'MEMBER_OF',
  'APPROVED_BY',
  'GRANTS',
  'AUTHENTICATES_AS',
  'AUTHENTICATES_TO',
  'RUNS_AS',
]);

export function isTriggerRelevantUpdate(node: NormalizedNode, changed: readonly string[]): boolean {
  const watch =
    node.nodeType === 'identity'
      ? IDENTITY_TRIGGER_PROPERTIES
      : node.nodeType === 'automation'
        ? AUTOMATION_TRIGGER_PROPERTIES
        : node.nodeType === 'human_identity'
          ? HUMAN_STATUS_PROPERTIES
          : undefined;
  return watch !== undefined && changed.some((c) => watch.has(c));
}

/** New or deleted identities, automations and people always need evaluation. */
export function isTriggerRelevantLifecycle(node: NormalizedNode): boolean {
  return node.nodeType === 'identity' || node.nodeType === 'automation' || node.nodeType === 'human_identity';
}

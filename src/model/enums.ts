import { z } from 'zod';

// Every enum of the normalized schema (seed 003 "ENUMS"). Labels and relationship types written to
// Neo4j come only from these lists, so they are the allow-list for dynamic Cypher fragments.

export const NODE_TYPES = [
  'identity',
  'automation',
  'connection',
  'credential',
  'human_identity',
  'role',
  'permission',
  'resource',
  'execution_evidence',
] as const;
export const NodeType = z.enum(NODE_TYPES);
export type NodeType = z.infer<typeof NodeType>;

export const EDGE_TYPES = [
  'OWNED_BY',
  'HAS_ROLE',
  'GRANTS',
  'APPLIES_TO',
  'EXECUTES_ON',
  'APPROVED_BY',
  'MEMBER_OF',
  'BELONGS_TO',
  'AUTHENTICATES_TO',
  'DELEGATES_TO',
  'RUNS_AS',
  'TRIGGERS_ON',
  'CREATED_BY',
  'CALLS',
  'INVOKES',
  'USES',
  'AUTHENTICATES_AS',
] as const;
// AUTHENTICATES_VIA is accepted on input only and remapped to USES (see legacy.ts).
export const EdgeType = z.enum(EDGE_TYPES);
export type EdgeType = z.infer<typeof EdgeType>;

export const SOURCE_SYSTEMS = [
  'entra_id',
  'servicenow',
  'github',
  'aws',
  'azure',
  'gcp',
  'snowflake',
  'pagerduty',
  'okta',
  'custom',
] as const;
export const SourceSystem = z.enum(SOURCE_SYSTEMS);
export type SourceSystem = z.infer<typeof SourceSystem>;

export const NORMALIZED_ACTIONS = ['create', 'read', 'update', 'delete', 'execute', 'admin', 'delegate'] as const;
export const NormalizedAction = z.enum(NORMALIZED_ACTIONS);
export type NormalizedAction = z.infer<typeof NormalizedAction>;

export const OWNERSHIP_STATES = ['owned', 'orphaned', 'unattributed', 'disputed'] as const;
export const OwnershipState = z.enum(OWNERSHIP_STATES);
export type OwnershipState = z.infer<typeof OwnershipState>;

export const BUSINESS_DOMAINS = [
  'hr',
  'finance',
  'customer',
  'it_ops',
  'security',
  'engineering',
  'legal',
  'executive',
  'unknown',
] as const;
export const BusinessDomain = z.enum(BUSINESS_DOMAINS);
export type BusinessDomain = z.infer<typeof BusinessDomain>;

export const SensitivityLevel = z.enum(['public', 'internal', 'confidential', 'restricted']);
export type SensitivityLevel = z.infer<typeof SensitivityLevel>;

export const NODE_STATUSES = ['active', 'disabled', 'deleted', 'expired'] as const;
export const NodeStatus = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const ExecutionMode = z.enum(['autonomous', 'operator_assisted', 'human_triggered', 'unknown']);
export type ExecutionMode = z.infer<typeof ExecutionMode>;

export const SecurityRelevance = z.enum(['active_external', 'dormant_authority', 'internal_inventory']);
export type SecurityRelevance = z.infer<typeof SecurityRelevance>;

export const GRAPH_EVENT_TYPES = [
  'created',
  'updated',
  'deleted',
  'relationship_added',
  'relationship_removed',
] as const;
export const GraphEventType = z.enum(GRAPH_EVENT_TYPES);
export type GraphEventType = z.infer<typeof GraphEventType>;

// Audit-log operations map to these richer event types (seed 003 "Audit Operation Mapping").
export const AUDIT_EVENT_TYPES = [
  'role_assigned',
  'role_revoked',
  'owner_assigned',
  'owner_removed',
  'permission_granted',
  'permission_revoked',
  'status_changed',
  'credential_created',
  'credential_deleted',
] as const;
export const EventType = z.enum([...GRAPH_EVENT_TYPES, ...AUDIT_EVENT_TYPES]);
export type EventType = z.infer<typeof EventType>;

export const SyncMode = z.enum(['full', 'incremental', 'audit_log']);
export type SyncMode = z.infer<typeof SyncMode>;

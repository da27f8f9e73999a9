import type { RetryNotice } from './http-client.ts';
import type {
  DateTime,
  ResolverHints,
  EdgeType,
  EventType,
  EvidenceSourceStatus,
  NodeType,
  NormalizedGraph,
  SourceSystem,
} from '../model/index.ts';
import type { SecretEnv } from './secrets.ts';

// The connector contract (seed 003 "Connector Interface"). Connectors push results; they never
// touch storage. Extraction output is raw (redacted) source data; transform maps it to the model.

export interface PermissionSpec {
  /** e.g. "Application.Read.All" (Graph application permission) or "admin" (ServiceNow role). */
  name: string;
  type: 'application_permission' | 'role' | 'table_read_acl';
  reason: string;
  optional?: boolean;
}

export interface RateLimitConfig {
  maxRequestsPerSecond: number;
  retryBackoffMs: number;
  maxRetries: number;
  maxRetryBackoffMs?: number;
}

export interface ConnectorConfig {
  tenantId: string;
  connectorId: string;
  /** Non-secret credential fields plus secret references ({ env } / { file, key }), never values. */
  credentials: { type: 'oauth2_client_credentials' | 'api_key' | 'pat' | 'certificate' | 'basic' | 'github_app'; [k: string]: unknown };
  /** Validated against the connector's configSchema. */
  sourceConfig: Record<string, unknown>;
  syncMode: 'full' | 'incremental';
  /** Max sync duration in seconds. */
  timeout: number;
  rateLimitConfig?: RateLimitConfig;
  /** Per-API-call timeout in ms (seed default 30 s). */
  apiCallTimeoutMs?: number;
  /** Abort when more entities than this fail (seed default 50). */
  maxPartialErrors?: number;
  /** Run-time wiring, never serialized: where secrets are read from, progress callbacks. */
  runtime?: ConnectorRuntime;
}

export interface ConnectorRuntime {
  env?: SecretEnv;
  /** Default secrets file when a reference names a key but no file. */
  secretsFile?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Told before a source call is retried (logs, rate-limit metrics). */
  onRetry?: (retry: RetryNotice) => void;
  /** Injected clock for deterministic tests ("now" decides departed owners, expired credentials). */
  now?: () => Date;
}

export interface ProgressEvent {
  connectorId: string;
  phase: 'healthCheck' | 'extract' | 'transform' | 'resolve' | 'audit';
  collection?: string;
  message: string;
  count?: number;
}

export interface ExtractOptions {
  syncId: string;
  syncMode: 'full' | 'incremental' | 'audit_log';
  since?: DateTime;
  deltaToken?: string;
  entityFilter?: NodeType[];
}

export interface HealthCheckResult {
  healthy: boolean;
  message: string;
  checkedAt: DateTime;
  latencyMs: number;
  errorType?: string;
  /** HTTP requests made, token request included. */
  apiCalls?: number;
}

export interface RawEntity {
  sourceId: string;
  sourceType: string;
  /** Raw API fields with secret-named fields redacted. */
  properties: Record<string, unknown>;
  extractedAt: DateTime;
}

export interface RawRelationship {
  sourceId: string;
  targetId: string;
  type: string;
  properties: Record<string, unknown>;
  extractedAt: DateTime;
}

export interface ExtractionError {
  entitySourceId?: string;
  operation: string;
  message: string;
  retryable: boolean;
  type?: string;
}

/** How one source collection (Graph resource, ServiceNow table) came back. */
export interface CollectionStatus {
  collection: string;
  /** Every page read without error: only then may the diff delete what the collection produces. */
  complete: boolean;
  status: EvidenceSourceStatus['status'] | 'failed';
  recordCount: number;
  oldestRecord?: DateTime;
  notes?: string;
}

export interface ExtractionMetadata {
  apiCallCount: number;
  totalEntitiesDiscovered: number;
  paginationComplete: boolean;
  rateLimitRemaining?: number;
  errors: ExtractionError[];
  warnings: string[];
  collections: Record<string, CollectionStatus>;
  retries: number;
  durationMs: number;
}

export interface RawExtraction {
  syncId: string;
  connectorId: string;
  tenantId: string;
  extractedAt: DateTime;
  /** Source instance the ids are scoped by (Entra tenant id, ServiceNow instance id). */
  sourceScope: string;
  syncMode: ExtractOptions['syncMode'];
  entities: RawEntity[];
  relationships: RawRelationship[];
  metadata: ExtractionMetadata;
  deltaToken?: string;
  /** Non-secret settings the transform needs (classification tables, patterns): transform(raw) stays pure. */
  transformSettings?: Record<string, unknown>;
}

export interface SyncCursor {
  tenantId: string;
  sourceSystem: SourceSystem;
  cursorState: {
    lastActivityDatetime?: DateTime;
    skipToken?: string;
    lastSysUpdatedOn?: DateTime;
    lastSysId?: string;
  };
  lastSuccessfulSync: DateTime;
}

export interface AuditLogExtractOptions {
  syncId: string;
  since: DateTime;
  until?: DateTime;
  cursor?: SyncCursor;
  operations?: string[];
}

export interface AuditRecord {
  sourceRecordId: string;
  timestamp: DateTime;
  operation: string;
  actor: { id: string; type: 'user' | 'service_principal' | 'system' | 'unknown'; displayName?: string };
  targetResources: Array<{
    id: string;
    type: string;
    displayName?: string;
    modifiedProperties?: Array<{ name: string; oldValue: unknown; newValue: unknown }>;
  }>;
  result: 'success' | 'failure' | 'unknown';
  additionalDetails?: Record<string, unknown>;
  rawRecord: Record<string, unknown>;
}

/** An audit record mapped to the event vocabulary (seed "Audit Operation Mapping"). */
export interface MappedAuditEvent {
  eventType: EventType;
  entityType: NodeType;
  /** The node the change is about (model node id), when the record names one. */
  entityId: string;
  timestamp: DateTime;
  sourceRecordId: string;
  detail?: string;
}

export interface AuditLogExtraction {
  syncId: string;
  connectorId: string;
  tenantId: string;
  extractedAt: DateTime;
  auditRecords: AuditRecord[];
  nextCursor: SyncCursor;
  metadata: {
    recordsFetched: number;
    oldestRecord?: DateTime;
    newestRecord?: DateTime;
    hasMore: boolean;
    rateLimitRemaining?: number;
    sourceApi: string;
    apiCallCount: number;
  };
}

/** Script text and references the resolver needs but the graph must not carry (src/model/resolver-hints.ts). */
export type { ResolverHints } from '../model/index.ts';

export interface Connector {
  readonly id: string;
  readonly name: string;
  readonly sourceSystem: SourceSystem;
  readonly version: string;
  readonly description: string;

  /** JSON Schema (draft 2020-12, derived from the zod schema) of sourceConfig + credentials. */
  readonly configSchema: Record<string, unknown>;
  readonly requiredPermissions: PermissionSpec[];

  readonly entityTypes: NodeType[];
  readonly relationshipTypes: EdgeType[];

  /** Parse once, with messages that say how to fix it; throws a CONFIG_ERROR. */
  validateConfig(config: ConnectorConfig): void;
  healthCheck(config: ConnectorConfig): Promise<HealthCheckResult>;
  extract(config: ConnectorConfig, options: ExtractOptions): Promise<RawExtraction>;
  transform(raw: RawExtraction): Promise<NormalizedGraph>;
  /** Inputs for the EdgeResolver that stay out of the graph. */
  resolverHints?(raw: RawExtraction): ResolverHints;

  readonly supportsIncremental: boolean;
  extractIncremental?(config: ConnectorConfig, since: DateTime, deltaToken?: string): Promise<RawExtraction>;

  readonly supportsAuditLog: boolean;
  readonly auditLogConfig?: {
    retentionDays: number;
    supportedOperations: string[];
    rateLimit: { requestsPerSecond: number; batchSize: number };
  };
  extractAuditLogs?(config: ConnectorConfig, options: AuditLogExtractOptions): Promise<AuditLogExtraction>;
  /** Maps one audit record to an event, or null when the operation is not tracked. */
  mapAuditRecord?(record: AuditRecord, sourceScope: string): MappedAuditEvent | null;
}

import { parseNormalizedGraph } from '../model/index.ts';
import type { NormalizedGraph, SourceSystem } from '../model/index.ts';
import { EdgeResolver } from '../resolve/edge-resolver.ts';
import type { ResolverInput } from '../resolve/edge-resolver.ts';
import type { ConnectorInstance } from './connectors-config.ts';
import { ConnectorError } from '../connector/errors.ts';
import { resolveSecret, SecretRef } from '../connector/secrets.ts';
import type { RetryNotice } from '../connector/http-client.ts';
import type { ExtractionError, HealthCheckResult, ProgressEvent, RawExtraction } from '../connector/types.ts';

// One tenant's collection run, as the CLI and the sync engine call it: each connector instance
// (healthCheck → extract → transform, in parallel: they are different sources), then the
// EdgeResolver across their graphs, then validation. Storage is not touched here (connectors
// push, the engine writes). A failed connector yields no graph, so nothing of it is diffed away.

export interface ConnectorRunStats {
  connectorId: string;
  sourceSystem: SourceSystem;
  status: 'completed' | 'partial' | 'failed';
  health?: HealthCheckResult;
  apiCalls: number;
  retries: number;
  timingsMs: { healthCheck: number; extract: number; transform: number; total: number };
  errors: ExtractionError[];
  warnings: string[];
  failure?: { type: string; message: string };
  counts?: { nodes: number; edges: number; resolvedEdges: number };
  /** True when this run used delta extraction: its graph holds only what changed. */
  incremental?: boolean;
  /** Token for the next incremental run, to store once this run's changes are committed. */
  deltaToken?: string;
}

export interface TenantCollection {
  tenantId: string;
  syncId: string;
  /** Validated graphs of the connectors that did not fail, resolver edges included. */
  graphs: NormalizedGraph[];
  connectors: ConnectorRunStats[];
  resolved: { edges: number; byType: Partial<Record<string, number>> };
  timingsMs: { total: number; resolve: number };
}

export interface CollectOptions {
  syncId: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Told before a source call is retried, with the instance it belongs to. */
  onRetry?: (connectorId: string, retry: RetryNotice) => void;
  /** 'incremental' uses a connector's delta extraction where it has one, full extraction otherwise. */
  mode?: 'full' | 'incremental';
  /** Per connectorId: the delta token stored after its last successful incremental sync. */
  deltaTokens?: Readonly<Record<string, string | undefined>>;
}

export async function collectTenantGraphs(instances: readonly ConnectorInstance[], options: CollectOptions): Promise<TenantCollection> {
  const started = Date.now();
  const tenants = new Set(instances.map((i) => i.config.tenantId));
  if (tenants.size > 1) throw new Error(`collectTenantGraphs runs one tenant at a time, got ${[...tenants].join(', ')}`);
  const runs = await Promise.all(instances.map((instance) => runOne(instance, options)));

  const ok = runs.filter((r): r is RunResult & { graph: NormalizedGraph } => r.graph !== undefined);
  const resolveStarted = Date.now();
  options.onProgress?.({ connectorId: '*', phase: 'resolve', message: `resolving edges across ${ok.length} graphs` });
  const inputs: ResolverInput[] = ok.map((r) => ({ graph: r.graph, ...(r.hints ? { hints: r.hints } : {}) }));
  const resolved = new EdgeResolver().resolve(inputs, { someConnectorFailed: runs.some((r) => r.stats.status === 'failed') });
  const resolveMs = Date.now() - resolveStarted;

  const graphs: NormalizedGraph[] = [];
  resolved.graphs.forEach((graph, index) => {
    const run = ok[index] as RunResult;
    const parsed = parseNormalizedGraph(graph);
    const leak = parsed.ok ? findSecretLeak(graph, run.secretValues) : undefined;
    if (!parsed.ok || leak) {
      // Invalid or leaking output never reaches the diff: the connector counts as failed this run.
      run.stats.status = 'failed';
      run.stats.failure = parsed.ok
        ? { type: 'SECRET_LEAK', message: `graph contains the value of credential field ${leak}; refusing it` }
        : { type: 'VALIDATION', message: parsed.issues.slice(0, 10).map((i) => `${i.path}: ${i.message}`).join('; ') };
      return;
    }
    run.stats.counts = {
      nodes: parsed.value.nodes.length,
      edges: parsed.value.edges.length,
      resolvedEdges: resolved.resolvedEdges.filter((e) => parsed.value.edges.some((x) => x.edgeId === e.edgeId)).length,
    };
    graphs.push(parsed.value);
  });

  return {
    tenantId: instances[0]?.config.tenantId ?? '',
    syncId: options.syncId,
    graphs,
    connectors: runs.map((r) => r.stats),
    resolved: { edges: resolved.resolvedEdges.length, byType: resolved.counts },
    timingsMs: { total: Date.now() - started, resolve: resolveMs },
  };
}

interface RunResult {
  stats: ConnectorRunStats;
  graph?: NormalizedGraph;
  hints?: ResolverInput['hints'];
  secretValues: Map<string, string>;
}

async function runOne({ connector, config }: ConnectorInstance, options: CollectOptions): Promise<RunResult> {
  const onProgress = options.onProgress ?? config.runtime?.onProgress;
  const onRetry = options.onRetry
    ? (retry: RetryNotice) => {
        config.runtime?.onRetry?.(retry);
        options.onRetry!(config.connectorId, retry);
      }
    : config.runtime?.onRetry;
  const runConfig = { ...config, runtime: { ...config.runtime, ...(onProgress ? { onProgress } : {}), ...(onRetry ? { onRetry } : {}) } };
  const stats: ConnectorRunStats = {
    connectorId: config.connectorId,
    sourceSystem: connector.sourceSystem,
    status: 'failed',
    apiCalls: 0,
    retries: 0,
    timingsMs: { healthCheck: 0, extract: 0, transform: 0, total: 0 },
    errors: [],
    warnings: [],
  };
  const result: RunResult = { stats, secretValues: secretValuesOf(config) };
  const t0 = Date.now();
  const say = (phase: ProgressEvent['phase'], message: string) => onProgress?.({ connectorId: config.connectorId, phase, message });
  try {
    say('healthCheck', 'checking connectivity and credentials');
    const health = await connector.healthCheck(runConfig);
    stats.health = health;
    stats.apiCalls += health.apiCalls ?? 0;
    stats.timingsMs.healthCheck = Date.now() - t0;
    if (!health.healthy) {
      stats.failure = { type: health.errorType ?? 'UNHEALTHY', message: health.message };
      return result;
    }
    const t1 = Date.now();
    const useDelta = options.mode === 'incremental' && connector.supportsIncremental && connector.extractIncremental;
    const raw: RawExtraction = useDelta
      ? await connector.extractIncremental!(runConfig, new Date().toISOString(), options.deltaTokens?.[config.connectorId])
      : await connector.extract(runConfig, { syncId: options.syncId, syncMode: config.syncMode });
    // A connector may answer a delta request with a full read (GitHub, when an ETag changed): then it is diffed whole.
    if (useDelta && raw.syncMode !== 'full') stats.incremental = true;
    if (raw.deltaToken) stats.deltaToken = raw.deltaToken;
    stats.timingsMs.extract = Date.now() - t1;
    stats.apiCalls += raw.metadata.apiCallCount;
    stats.retries = raw.metadata.retries;
    stats.errors = raw.metadata.errors;
    stats.warnings = raw.metadata.warnings;
    const t2 = Date.now();
    say('transform', `normalizing ${raw.entities.length} records`);
    result.graph = await connector.transform(raw);
    result.hints = connector.resolverHints?.(raw);
    stats.timingsMs.transform = Date.now() - t2;
    // A collection read in part, or one the source failed to serve this run, makes the run partial;
    // one switched off by configuration (not applicable) does not.
    const incomplete = Object.values(raw.metadata.collections).some((c) => !c.complete && c.status !== 'available' && c.status !== 'unavailable_not_applicable');
    stats.status = incomplete || raw.metadata.errors.length > 0 ? 'partial' : 'completed';
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    stats.failure = { type: error.type, message: error.message };
  } finally {
    stats.timingsMs.total = Date.now() - t0;
  }
  return result;
}

/** Values of this instance's secret references, to prove none of them reached the graph. */
function secretValuesOf(config: ConnectorInstance['config']): Map<string, string> {
  const values = new Map<string, string>();
  for (const [field, value] of Object.entries(config.credentials)) {
    const ref = SecretRef.safeParse(value);
    if (!ref.success) continue;
    try {
      values.set(field, resolveSecret(ref.data, { env: config.runtime?.env, secretsFile: config.runtime?.secretsFile }).reveal());
    } catch {
      // Missing secrets fail the health check with a clear message; nothing to scan for.
    }
  }
  return values;
}

function findSecretLeak(graph: NormalizedGraph, secrets: Map<string, string>): string | undefined {
  const text = JSON.stringify(graph);
  for (const [field, value] of secrets) if (value.length >= 4 && text.includes(value)) return field;
  return undefined;
}

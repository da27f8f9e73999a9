import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { z } from 'zod';
import type { SyncLauncher } from '../api/sync-launcher.ts';
import { SyncAlreadyRunningError } from '../api/sync-launcher.ts';
import { ensureTopics } from '../events/ensure-topics.ts';
import { SyncMode, parseOrThrow } from '../model/index.ts';
import { errorFields, silentLogger } from '../observability/logger.ts';
import type { Logger } from '../observability/logger.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { runAuditLogSync } from './audit-log-sync.ts';
import type { ConnectorInstance } from './connectors-config.ts';
import { runTenantSync, syncLeaseKey } from './run-tenant-sync.ts';
import type { TenantSyncOptions } from './run-tenant-sync.ts';
import { newSyncId } from './sync-ids.ts';

// Syncs requested through the API (Mutation.triggerSync) and run by the sync workers (`authgraph
// schedule`), for deployments where API replicas serve requests and never run syncs themselves
// (docs/scale.md). The request travels on Kafka: any replica can take it, one worker of the shared
// consumer group runs it, and a worker that dies before committing the offset hands it to another.

/** Commands, not events: requests are keyed by tenant|connector so one instance's stay in order. */
export const SYNC_REQUESTS_TOPIC = 'authgraph.syncs.requested';
/** Every worker is in this group: each request is run by one of them. */
export const SYNC_WORKERS_GROUP = 'authgraph-sync-workers';

const SyncRequest = z
  .object({
    tenantId: z.string().min(1),
    connectorId: z.string().min(1),
    mode: SyncMode,
    /** The id the API handed the caller: the run's records start with it (Query.syncs follows it). */
    runId: z.string().min(1),
    requestedAt: z.iso.datetime(),
  })
  .strict();
type SyncRequest = z.infer<typeof SyncRequest>;

const configuredIn = (instances: readonly ConnectorInstance[], tenantId: string, connectorId: string) =>
  instances.find((i) => i.config.tenantId === tenantId && i.config.connectorId === connectorId);

/**
 * A SyncLauncher for API replicas: it checks the instance exists and is not syncing right now,
 * then hands the run to the workers. The run id is returned at once, as with a local run.
 */
export function queuedSyncLauncher(storage: StorageAdapter, instances: readonly ConnectorInstance[], kafka: Kafka): SyncLauncher & { close(): Promise<void> } {
  let producer: Promise<Producer> | undefined;
  const connected = () =>
    (producer ??= (async () => {
      await ensureTopics(kafka, [SYNC_REQUESTS_TOPIC]);
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await p.connect();
      return p;
    })().catch((error: unknown) => {
      producer = undefined;
      throw error;
    }));
  return {
    configured: (tenantId) =>
      instances.filter((i) => i.config.tenantId === tenantId).map((i) => ({ connectorId: i.config.connectorId, sourceSystem: i.connector.sourceSystem })),
    async start(tenantId, connectorId, mode) {
      if (!configuredIn(instances, tenantId, connectorId)) return null;
      // A lease held by a live run refuses the trigger now; a free one is taken for 1 ms only, so
      // the worker finds it free (the worker's run is what holds it).
      if (!(await storage.tryAcquireLease(syncLeaseKey(tenantId, connectorId), `api-probe-${randomBytes(4).toString('hex')}`, 1))) {
        throw new SyncAlreadyRunningError(`${connectorId} is already syncing; follow that run in Query.syncs`);
      }
      const request: SyncRequest = { tenantId, connectorId, mode, runId: newSyncId(), requestedAt: new Date().toISOString() };
      await (
        await connected()
      ).send({ topic: SYNC_REQUESTS_TOPIC, acks: -1, messages: [{ key: `${tenantId}|${connectorId}`, value: JSON.stringify(request) }] });
      return { runId: request.runId, connectorId, mode, startedAt: request.requestedAt };
    },
    async close() {
      const p = await producer?.catch(() => undefined);
      await p?.disconnect();
    },
  };
}

/**
 * The worker side: runs each requested sync of an instance this worker is configured with, to
 * its end, before taking the next request of that partition. Requests for instances it does not
 * know are logged and passed over (all workers of a group should share one config).
 */
export class SyncRequestWorker {
  private consumer: Consumer | undefined;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly instances: readonly ConnectorInstance[],
    private readonly kafka: Kafka,
    private readonly observe: Pick<TenantSyncOptions, 'log' | 'metrics'> & { groupId?: string; onRun?: (request: SyncRequest, status: string) => void } = {},
  ) {}

  private get log(): Logger {
    return this.observe.log ?? silentLogger();
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [SYNC_REQUESTS_TOPIC]);
    // A worker that dies is noticed in 10 s (kafkajs's default: 30 s) and its partitions move on.
    const consumer = this.kafka.consumer({ groupId: this.observe.groupId ?? SYNC_WORKERS_GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    this.consumer = consumer;
    await consumer.connect();
    // From the beginning for a group that never committed: a request sent before the first worker
    // joined is run, not skipped. Afterwards the group's committed offsets decide.
    await consumer.subscribe({ topics: [SYNC_REQUESTS_TOPIC], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => this.handle(message.value?.toString() ?? '') });
  }

  private async handle(value: string): Promise<void> {
    let request: SyncRequest;
    try {
      request = parseOrThrow(SyncRequest, JSON.parse(value), 'sync request');
    } catch (error) {
      this.log.error(errorFields(error), 'sync request ignored: not a valid request');
      return;
    }
    const instance = configuredIn(this.instances, request.tenantId, request.connectorId);
    if (!instance) {
      this.log.warn({ tenantId: request.tenantId, connectorId: request.connectorId }, 'sync request ignored: instance not in this worker’s config');
      return;
    }
    const { log, metrics } = this.observe;
    const observe = { ...(log ? { log } : {}), ...(metrics ? { metrics } : {}) };
    try {
      const report =
        request.mode === 'audit_log'
          ? await runAuditLogSync(this.storage, [instance], { syncId: request.runId, ...observe })
          : await runTenantSync(this.storage, [instance], { mode: request.mode, syncId: request.runId, ...observe });
      const status = report.outcomes.map((o) => o.status).join(',');
      this.log.info({ tenantId: request.tenantId, connectorId: request.connectorId, runId: request.runId, status }, 'requested sync ran');
      this.observe.onRun?.(request, status);
    } catch (error) {
      this.log.error({ ...errorFields(error), runId: request.runId }, 'requested sync failed');
      this.observe.onRun?.(request, 'error');
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
  }
}

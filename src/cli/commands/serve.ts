import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiKeyStore, Role, appendToKeysFile, issueApiKey, parseKeysEnv, readKeysFile } from '../../api/auth/api-keys.ts';
import { dashboardAssets } from '../../api/dashboard/bundle.ts';
import { playgroundAssets } from '../../api/playground/bundle.ts';
import { startApiServer } from '../../api/server.ts';
import { connectorSyncLauncher } from '../../api/sync-launcher.ts';
import { instancesFromConfig, loadConnectorsConfig } from '../../sync/connectors-config.ts';
import { parseNormalizedGraphOrThrow } from '../../model/index.ts';
import type { StorageAdapter } from '../../storage/StorageAdapter.ts';
import { applyGraph } from '../../sync/apply-graph.ts';
import { apiLimitsFromConfig } from '../../config/app-config.ts';
import { errorFields } from '../../observability/logger.ts';
import { Metrics } from '../../observability/metrics.ts';
import { forgetOnSyncCompletions } from '../../api/sync-completions.ts';
import { kafkaClient } from '../../events/kafka-sink.ts';
import { queuedSyncLauncher } from '../../sync/sync-requests.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';

// The sample tenant's three syncs (fixtures/sample/README.md): history for as-of reads and drift.
const SAMPLE_SYNCS = ['tenant.json', 'tenant-sync2.json', 'tenant-sync3.json'].map((f) => fileURLToPath(new URL(`../../../fixtures/sample/${f}`, import.meta.url)));
const DEFAULT_KEYS_FILE = '.authgraph/api-keys.json';

function portOption(value: string | undefined): number {
  const port = Number(value ?? process.env.AUTHGRAPH_API_PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be a whole number from 0 to 65535');
  return port;
}

const demoQuery = (identityId: string) => `# Demo: the execution chains that end at SN-Graph-Integration. Press the run button.
{
  executionChains(to: "${identityId}") {
    totalCount
    edges {
      node {
        identity { displayName ownershipState }
        automation { displayName }
        kind
        hops {
          position
          edge { edgeType provenance { origin rule } }
          to { __typename displayName }
          evidence { crossSystemLink { properties { evidenceReferences { matchingField matchingValue } } } }
        }
      }
    }
  }
}
`;

/** Resolves on SIGINT or SIGTERM: the server runs until the process is told to stop. */
const untilStopped = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the GraphQL API, its playground and the analyst dashboard (/dashboard) on 127.0.0.1 (--demo loads the sample tenant and prints a reader key)',
  usage:
    'authgraph serve [--port N (4000; 0 = any free port)] [--host 127.0.0.1] [--keys <file>] [--connectors <connectors.json> [--sync-workers]] [--demo]\n' +
    '       (--sync-workers: triggered syncs go to the `authgraph schedule` workers through Kafka instead of running here)\n' +
    '       authgraph serve --issue-key <tenant>:<reader|operator|admin> [--keys <file>]   (prints a new key once, stores its hash)',
  logFormat: 'json',
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        keys: { type: 'string' },
        demo: { type: 'boolean' },
        'issue-key': { type: 'string' },
        connectors: { type: 'string' },
        'sync-workers': { type: 'boolean' },
      },
    });
    const keysFile = values.keys ?? process.env.AUTHGRAPH_API_KEYS_FILE ?? DEFAULT_KEYS_FILE;

    if (values['issue-key']) {
      const [tenantId, role] = values['issue-key'].split(':');
      const parsedRole = Role.safeParse(role);
      if (!tenantId || !parsedRole.success) throw new UsageError('--issue-key takes <tenant>:<reader|operator|admin>');
      const { key, record } = issueApiKey({ tenantId, role: parsedRole.data });
      await appendToKeysFile(keysFile, record);
      await ctx.note({ tenantId, eventType: 'API_KEY_ISSUED', severity: 'INFO', businessKeys: { keyId: record.id, role: record.role }, extra: { keysFile } });
      ctx.out(`API key ${record.id} (${record.role}, tenant ${record.tenantId}) stored as a hash in ${keysFile}.`);
      ctx.out(`The key, shown this once:\n${key}`);
      return 0;
    }

    const port = portOption(values.port);
    const storage = await ctx.storage();
    const keys = new ApiKeyStore([
      ...(await readKeysFile(keysFile)),
      ...(process.env.AUTHGRAPH_API_KEYS ? parseKeysEnv(process.env.AUTHGRAPH_API_KEYS) : []),
    ]);

    let demo: { defaultQuery: string } | undefined;
    if (values.demo) {
      const syncs = await Promise.all(SAMPLE_SYNCS.map(async (f) => parseNormalizedGraphOrThrow(JSON.parse(await readFile(f, 'utf8')))));
      const sample = syncs[0]!;
      const existing = await storage.listNodes(sample.tenantId, { first: 1, includeDeleted: true });
      if (existing.nodes.length === 0) {
        for (const graph of syncs) await applyGraph(storage, graph);
        const last = syncs.at(-1)!;
        ctx.out(`Loaded the sample tenant "${sample.tenantId}" (${syncs.length} syncs, ${syncs.map((s) => s.syncId).join(', ')}; now ${last.nodes.length} nodes, ${last.edges.length} edges).`);
      }
      // Lives only as long as this process: only its hash is kept, in memory.
      const { key, record } = issueApiKey({ tenantId: sample.tenantId, role: 'reader', label: 'demo' });
      keys.add(record);
      await ctx.note({ tenantId: sample.tenantId, eventType: 'API_KEY_ISSUED', severity: 'INFO', businessKeys: { keyId: record.id, role: record.role }, extra: { label: 'demo', lifetime: 'until this server stops' } });
      const identity = sample.nodes.find((n) => n.nodeType === 'identity' && n.displayName === 'SN-Graph-Integration');
      // The key is printed here, for the person at this terminal, and never sent to a page: a page
      // from another site reaching this port (DNS rebinding) must find nothing to take.
      demo = { defaultQuery: demoQuery(identity?.nodeId ?? '') };
      ctx.out(`Demo reader key for tenant "${sample.tenantId}" (shown once; valid until this server stops; paste it into the playground):\n${key}`);
    }
    if (keys.size === 0) {
      ctx.err(`No API keys: every request will be refused. Issue one with: authgraph serve --issue-key <tenant>:reader`);
    }

    // Operators may trigger syncs of these instances (Mutation.triggerSync); checked now, not mid-sync.
    const connectorsFile = values.connectors ?? process.env.AUTHGRAPH_CONNECTORS_FILE;
    const instances = connectorsFile ? instancesFromConfig(loadConnectorsConfig(connectorsFile)) : undefined;
    const log = ctx.log;
    const metrics = new Metrics();
    metrics.observeOutbox(storage);
    const brokers = ctx.config.KAFKA_BROKERS?.split(',');
    if (values['sync-workers'] && (!instances || !brokers)) throw new UsageError('--sync-workers needs --connectors and KAFKA_BROKERS');
    const queued = values['sync-workers'] && instances && brokers ? queuedSyncLauncher(storage, instances, kafkaClient(brokers, 'authgraph-api')) : undefined;
    const syncs = queued
      ? () => queued
      : instances
        ? (api: StorageAdapter) => connectorSyncLauncher(api, instances, (e) => log.error(errorFields(e), 'triggered sync failed'), { log, metrics })
        : undefined;
    const server = await startApiServer({
      storage,
      keys,
      port,
      limits: apiLimitsFromConfig(ctx.config),
      log,
      metrics,
      ...(values.host ? { host: values.host } : {}),
      playground: demo ?? {},
      ...(syncs ? { syncs } : {}),
    });
    // Bundle the playground now, so the first page load does not wait for it.
    playgroundAssets().catch((error: unknown) => log.error(errorFields(error), 'playground bundle failed'));
    dashboardAssets().catch((error: unknown) => log.error(errorFields(error), 'dashboard bundle failed'));
    ctx.out(`Authgraph API on ${server.graphqlUrl} (${ctx.config.store} store); playground at ${server.url}`);
    ctx.out(`Analyst dashboard at ${server.url}dashboard (enter the API key there)`);
    log.info({ graphql: server.graphqlUrl, metrics: `${server.url}metrics`, store: ctx.config.store }, 'API server listening');
    const stopped = untilStopped(); // listening for SIGTERM before the Kafka set-up below may take seconds
    // Replicas drop a tenant's cached answers when its sync completes anywhere (sync-completions.ts).
    // Without Kafka the answers are still keyed by the store's data version, so never stale.
    const completions = brokers
      ? await forgetOnSyncCompletions(kafkaClient(brokers, 'authgraph-api'), server.forgetTenant, log).catch((error: unknown) => {
          log.warn(errorFields(error), 'not listening to sync completions; cached answers still follow the store’s data version');
          return undefined;
        })
      : undefined;
    if (completions) log.info({ topic: 'authgraph.syncs.completed' }, 'listening to sync completions');
    await stopped;
    await completions?.stop();
    await queued?.close();
    await server.close();
    log.info('API server stopped');
    return 0;
  },
};

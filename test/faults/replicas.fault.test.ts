import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/api/auth/api-keys.ts';
import { ReplayServer } from '../../src/connector/replay-server.ts';
import { KafkaSink, kafkaClient } from '../../src/events/kafka-sink.ts';
import { TOPICS } from '../../src/events/topics.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { DEMO_CONFIG_PATH, DEMO_SECRET_ENV } from '../../src/sync/demo-sources.ts';
import { postGraphQL } from '../integration/api/support.ts';
import { startCli } from '../support/cli-process.ts';
import type { CliProcess } from '../support/cli-process.ts';
import { freshTenant } from '../support/sample-tenant.ts';
import { kafkaBrokers, neo4jUri } from '../support/services.ts';

// Several of everything on one store (issue 18), as separate `authgraph` processes on the test
// run's Neo4j and Kafka: two `schedule` workers on one config (one killed midway) and two `serve`
// replicas that hand triggered syncs to those workers. ServiceNow runs every 5 s; Entra and GitHub
// are scheduled once a year, so they run only when triggered through the API.

const tenantId = freshTenant('replicas');
const SCHEDULED = 'servicenow-contoso';
const TRIGGERED = 'entra-contoso';
let dir: string;
let replay: ReplayServer;
let storage: Neo4jStorageAdapter;
const workers: CliProcess[] = [];
const replicas: { cli: CliProcess; url: string }[] = [];
const reader = issueApiKey({ tenantId, role: 'reader' });
const operator = issueApiKey({ tenantId, role: 'operator' });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'authgraph-replicas-'));
  replay = await new ReplayServer().start();
  const demo = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8').replaceAll('${REPLAY_URL}', replay.url)) as {
    connectors: { connectorId: string; schedule?: string }[];
  };
  for (const c of demo.connectors) c.schedule = c.connectorId === SCHEDULED ? '*/5 * * * * *' : '0 0 1 1 *';
  const config = path.join(dir, 'connectors.json');
  writeFileSync(config, JSON.stringify({ ...demo, tenantId }));
  storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });

  const env = {
    ...DEMO_SECRET_ENV,
    AUTHGRAPH_STORE: 'neo4j',
    NEO4J_URI: neo4jUri(),
    KAFKA_BROKERS: kafkaBrokers().join(','),
    AUTHGRAPH_LOG_LEVEL: 'info',
    // This run's own worker group and keys, nothing from the working tree.
    AUTHGRAPH_SYNC_WORKERS_GROUP: `test-workers-${tenantId}`,
    AUTHGRAPH_API_KEYS_FILE: path.join(dir, 'no-keys.json'),
    AUTHGRAPH_API_KEYS: JSON.stringify([reader.record, operator.record]),
  };
  for (let i = 0; i < 2; i++) workers.push(startCli(['schedule', '--config', config], env));
  for (let i = 0; i < 2; i++) {
    const cli = startCli(['serve', '--port', '0', '--connectors', config, '--sync-workers'], env);
    replicas.push({ cli, url: '' });
  }
  await Promise.all(workers.map((w) => w.waitFor(/taking sync requests/, 120_000)));
  for (const r of replicas) {
    r.url = (await r.cli.waitFor(/Authgraph API on (\S+graphql)/, 120_000))[1]!;
    await r.cli.waitFor(/listening to sync completions/, 60_000);
  }
});
afterAll(async () => {
  await Promise.allSettled([...workers, ...replicas.map((r) => r.cli)].map((p) => p.stop()));
  await replay?.close();
  await storage?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The scheduled runs a worker completed (its report lines on stdout). */
const ranBy = (worker: CliProcess) => new Set(worker.lines.flatMap((l) => /^sync (sched-\S+) \(full\) of tenant/.exec(l)?.[1] ?? []));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('several processes on one store', () => {
  it('two schedulers run each due time once between them, and the survivor goes on when one is killed', async () => {
    const all = () => new Set([...ranBy(workers[0]!), ...ranBy(workers[1]!)]);
    await until(() => all().size >= 3, 60_000, 'three scheduled runs');
    await workers[0]!.kill();
    const beforeKill = all();
    const survivorBefore = ranBy(workers[1]!).size;
    await until(() => ranBy(workers[1]!).size >= survivorBefore + 2, 60_000, 'two more runs by the survivor');

    const [first, second] = [ranBy(workers[0]!), ranBy(workers[1]!)];
    // No due time ran in both processes.
    expect([...first].filter((id) => second.has(id))).toEqual([]);
    expect(all().size).toBeGreaterThanOrEqual(beforeKill.size + 2);
    // The store holds one completed record per run reported, under the due time's id.
    const records = await storage.listSyncStates(tenantId, { connectorId: SCHEDULED, limit: 200 });
    const scheduled = records.filter((r) => r.syncId.startsWith('sched-'));
    // The instances scheduled once a year did not run (a timer past 24.8 days once fired at once).
    expect((await storage.listSyncStates(tenantId, { connectorId: TRIGGERED })).length).toBe(0);
    for (const id of all()) expect(scheduled.find((r) => r.syncId === `${id}.${SCHEDULED}`)?.status).toBe('completed');
  });

  it('two API replicas agree: a sync triggered through one is run by a worker and seen by both', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    // ServiceNow keeps syncing every 5 s (same data): what is compared is what Entra changes.
    const view = `{ executionChains(first: 50) { totalCount } connectors { id syncCount } }`;
    const ask = async (url: string) => {
      const r = await postGraphQL(url, view, {}, reader.key);
      expect(r.body.errors).toBeUndefined();
      const data = r.body.data as { executionChains: { totalCount: number }; connectors: { id: string; syncCount: number }[] };
      return { chains: data.executionChains.totalCount, entraSyncs: data.connectors.find((c) => c.id === TRIGGERED)?.syncCount ?? 0 };
    };
    // Warm both replicas' caches on the tenant as it stands (ServiceNow only).
    const before = await ask(a.url);
    expect(await ask(b.url)).toEqual(before);
    expect(await ask(a.url)).toEqual(before);

    // Entra through replica B, followed through A; then GitHub (whose federation chains need
    // Entra's apps) the other way round. Each is run by a worker: the survivor, as one was killed.
    for (const [via, follow, connectorId] of [
      [b, a, TRIGGERED],
      [a, b, 'github-contoso'],
    ] as const) {
      const trigger = await postGraphQL(via.url, `mutation { triggerSync(connectorId: "${connectorId}", mode: full) { runId } }`, {}, operator.key);
      expect(trigger.body.errors).toBeUndefined();
      const runId = trigger.body.data!.triggerSync.runId as string;
      let status: string | undefined;
      await until(
        async () => {
          const syncs = await postGraphQL(follow.url, `{ syncs(connectorId: "${connectorId}") { syncId status } }`, {}, operator.key);
          status = (syncs.body.data?.syncs as { syncId: string; status: string }[] | undefined)?.find((s) => s.syncId.startsWith(runId))?.status;
          return status === 'completed' || status === 'failed' || status === 'partial';
        },
        90_000,
        `the triggered ${connectorId} run to finish`,
      );
      expect(status).toBe('completed');
      // The survivor ran it (its log line follows the commit the record shows).
      await workers[1]!.waitFor(new RegExp(`requested sync ran.*${runId}|${runId}.*requested sync ran`), 15_000);
    }

    // Both replicas answer from the new data on their next request: no cached answer outlives it.
    const after = await ask(a.url);
    expect(before.entraSyncs).toBe(0);
    expect(after.entraSyncs).toBe(1);
    expect(after.chains).toBeGreaterThan(before.chains);
    expect(await ask(b.url)).toEqual(after);
  });

  it('the sync-completed notice makes every replica drop the tenant’s cached answers', async () => {
    // Publish this tenant's notices as the relay would (the store's outbox is shared by other
    // tests' tenants, so no relay drains it here).
    const notices = await storage.listOutbox(tenantId, { topic: TOPICS.syncsCompleted, limit: 1_000 });
    expect(notices.length).toBeGreaterThan(0);
    const sink = new KafkaSink(kafkaClient(kafkaBrokers(), 'replicas-test'));
    try {
      await sink.publish(notices);
    } finally {
      await sink.close();
    }
    for (const r of replicas) {
      const line = await r.cli.waitFor(new RegExp(`"tenantId":"${tenantId}".*cached answers dropped|cached answers dropped.*"tenantId":"${tenantId}"`), 30_000);
      expect(line[0]).toContain('"dropped"');
    }
  });
});

// Vitest global setup: real Neo4j and Kafka, started at most once per test run.
//
// Where they come from is decided by test/support/service-selection.ts (unit-tested): the
// environment's NEO4J_URI / KAFKA_BROKERS first, then Testcontainers where a Docker engine
// answers, else the jar servers of scripts/services.mjs. What this run started it stops at the
// end, unless AUTHGRAPH_KEEP_SERVICES=1 (npm test's first pass): then the names are handed to the
// test script's last step (`services.mjs down --test-run`), which stops them after the fault suite.
//
// Tests read the addresses with inject('neo4jUri') / inject('kafkaBrokers') through
// test/support/services.ts; process.env is set as well for code that reads its own config.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { ensureServices, recordTestRunServices, stopServices } from '../scripts/services.mjs';
import { findChromium, INSTALL_HINT } from './support/browser.ts';
import { needsLocalServers, selectServices, servicesToStop } from './support/service-selection.ts';
import type { ServiceName } from './support/service-selection.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
    kafkaBrokers: string;
  }
}

const run = promisify(execFile);

/** True when a Docker engine answers, not merely when the `docker` CLI is installed. */
async function dockerEngineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

interface Running {
  address: string;
  stop: () => Promise<void>;
}

/** Neo4j 5.26 and Kafka 3.9 in containers; Ryuk removes them even if this process dies. */
async function startContainer(name: ServiceName): Promise<Running> {
  if (name === 'neo4j') {
    const { Neo4jContainer } = await import('@testcontainers/neo4j');
    // The tests connect without credentials, as to the jar server.
    const container = await new Neo4jContainer('neo4j:5.26-community').withEnvironment({ NEO4J_dbms_security_auth__enabled: 'false' }).start();
    return { address: container.getBoltUri(), stop: async () => void (await container.stop()) };
  }
  const { KafkaContainer } = await import('@testcontainers/kafka');
  // Confluent Platform 7.9 ships Apache Kafka 3.9 (kafkajs predates Kafka 4).
  const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
  return { address: `${container.getHost()}:${container.getMappedPort(9093)}`, stop: async () => void (await container.stop()) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Say what the browser tests need before anything slow starts.
  try {
    if (!findChromium()) console.warn(`[global-setup] ${INSTALL_HINT}`);
  } catch (error) {
    console.warn(`[global-setup] ${(error as Error).message}`);
  }

  const docker = needsLocalServers(process.env) ? await dockerEngineAnswers() : false;
  const selection = selectServices(process.env, docker);
  const address: Record<ServiceName, string> = { neo4j: '', kafka: '' };
  const containers: Running[] = [];
  let startedJars: ServiceName[] = [];

  const jars: ServiceName[] = [];
  try {
    for (const name of ['neo4j', 'kafka'] as const) {
      const source = selection[name];
      if (source.kind === 'external') address[name] = source.address;
      else if (source.kind === 'jar') jars.push(name);
    }
    const containerNames = (['neo4j', 'kafka'] as const).filter((n) => selection[n].kind === 'testcontainers');
    if (containerNames.length) console.info(`[global-setup] Docker answers: starting ${containerNames.join(', ')} with Testcontainers`);
    const [started] = await Promise.all([
      jars.length ? ensureServices({ services: jars }) : undefined,
      ...containerNames.map(async (name) => {
        const running = await startContainer(name);
        containers.push(running);
        address[name] = running.address;
      }),
    ]);
    if (started) {
      if (jars.includes('neo4j')) address.neo4j = started.neo4jUri;
      if (jars.includes('kafka')) address.kafka = started.kafkaBrokers;
      startedJars = started.started.filter((n): n is ServiceName => n === 'neo4j' || n === 'kafka');
    }
  } catch (error) {
    await Promise.allSettled(containers.map((c) => c.stop()));
    throw error;
  }

  process.env.NEO4J_URI = address.neo4j;
  process.env.KAFKA_BROKERS = address.kafka;
  project.provide('neo4jUri', address.neo4j);
  project.provide('kafkaBrokers', address.kafka);

  return async () => {
    // Containers never outlive the run; jar servers only when asked to (and then handed over).
    await Promise.allSettled(containers.map((c) => c.stop()));
    const stop = servicesToStop(startedJars, process.env);
    if (stop.length > 0) await stopServices({ services: stop });
    else recordTestRunServices(startedJars);
  };
}

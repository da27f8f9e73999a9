// Vitest global setup: real Neo4j and Kafka, started at most once per test run.
//
// Where the servers come from, in order:
//   1. NEO4J_URI and KAFKA_BROKERS in the environment: servers someone else runs (CI service
//      containers, a developer's own). Nothing is started or stopped.
//   2. A Docker engine that answers: Testcontainers would belong here (see below).
//   3. Otherwise scripts/services.mjs: the published jars run as local JVMs (no Docker needed).
//
// Tests read the addresses with inject('neo4jUri') / inject('kafkaBrokers') through
// test/support/services.ts; process.env is set as well for code that reads its own config.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { ensureServices, stopServices } from '../scripts/services.mjs';
import type { ServiceName } from '../scripts/services.mjs';

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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let neo4jUri = process.env.NEO4J_URI;
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let started: ServiceName[] = [];

  if (!neo4jUri || !kafkaBrokers) {
    if (await dockerEngineAnswers()) {
      // Testcontainers (neo4j:5.26-community, apache/kafka:3.9.x) is the intended path here, but
      // the package is not a dependency yet. The script below works with or without Docker, so
      // it stands in until then.
      console.info('[global-setup] Docker engine found, but Testcontainers is not installed: using scripts/services.mjs');
    }
    const services = await ensureServices();
    neo4jUri = services.neo4jUri;
    kafkaBrokers = services.kafkaBrokers;
    started = services.started;
  }

  process.env.NEO4J_URI = neo4jUri;
  process.env.KAFKA_BROKERS = kafkaBrokers;
  project.provide('neo4jUri', neo4jUri);
  project.provide('kafkaBrokers', kafkaBrokers);

  return async () => {
    // Stop only what this run started: a developer who ran `npm run services -- up` keeps their
    // servers, and AUTHGRAPH_KEEP_SERVICES keeps ours for the next run.
    if (started.length > 0 && !process.env.AUTHGRAPH_KEEP_SERVICES) {
      await stopServices({ services: started });
    }
  };
}

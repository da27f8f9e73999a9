// Where the test run's Neo4j and Kafka come from, decided without side effects so it can be
// unit-tested (test/unit/test-setup/service-selection.test.ts). test/global-setup.ts acts on it.
//
// Per service, in order:
//   1. NEO4J_URI / KAFKA_BROKERS in the environment: a server someone else runs. Never started or
//      stopped by the tests.
//   2. A Docker engine that answers (and AUTHGRAPH_TESTCONTAINERS is not 0): Testcontainers
//      (neo4j:5.26-community, Confluent's cp-kafka 7.9 = Apache Kafka 3.9), gone when the run ends.
//   3. Otherwise scripts/services.mjs: the published jars as local JVMs (Java 17 + Maven, no Docker).

export type ServiceName = 'neo4j' | 'kafka';

export type ServiceSource = { kind: 'external'; address: string } | { kind: 'testcontainers' } | { kind: 'jar' };

export type ServiceSelection = Record<ServiceName, ServiceSource>;

export interface SelectionEnv {
  NEO4J_URI?: string | undefined;
  KAFKA_BROKERS?: string | undefined;
  /** "0" keeps Testcontainers out even where Docker answers (the fault suite restarts jar servers). */
  AUTHGRAPH_TESTCONTAINERS?: string | undefined;
}

const ADDRESS_VAR: Record<ServiceName, 'NEO4J_URI' | 'KAFKA_BROKERS'> = { neo4j: 'NEO4J_URI', kafka: 'KAFKA_BROKERS' };

/** True when some service still needs a server (only then is it worth asking Docker). */
export function needsLocalServers(env: SelectionEnv): boolean {
  return !env.NEO4J_URI?.trim() || !env.KAFKA_BROKERS?.trim();
}

export function selectServices(env: SelectionEnv, dockerAnswers: boolean): ServiceSelection {
  const containers = dockerAnswers && env.AUTHGRAPH_TESTCONTAINERS !== '0';
  const pick = (name: ServiceName): ServiceSource => {
    const address = env[ADDRESS_VAR[name]]?.trim();
    if (address) return { kind: 'external', address };
    return containers ? { kind: 'testcontainers' } : { kind: 'jar' };
  };
  return { neo4j: pick('neo4j'), kafka: pick('kafka') };
}

/**
 * What the run stops when it ends: what it started, unless AUTHGRAPH_KEEP_SERVICES=1 asks to keep
 * the jar servers for a following run (npm test's fault suite), which then stops them.
 */
export function servicesToStop(started: readonly ServiceName[], env: { AUTHGRAPH_KEEP_SERVICES?: string | undefined }): ServiceName[] {
  return env.AUTHGRAPH_KEEP_SERVICES === '1' ? [] : [...started];
}

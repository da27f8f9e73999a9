// Types for scripts/services.mjs, which stays plain JavaScript so it runs without a build step.

export type DefaultServiceName = 'neo4j' | 'kafka';
export type KafkaClusterName = 'kafka-controller' | 'kafka-broker-1' | 'kafka-broker-2' | 'kafka-broker-3';
/** The default pair, and the scale-out servers started only when named. */
export type ServiceName = DefaultServiceName | KafkaClusterName | 'neo4j-2';
/** Accepted wherever names are: 'kafka-cluster' is the controller and the three brokers. */
export type ServiceSelector = ServiceName | 'kafka-cluster';

export declare const SERVICE_NAMES: readonly DefaultServiceName[];
export declare const KAFKA_CLUSTER_NAMES: readonly KafkaClusterName[];
export declare const EXTRA_SERVICE_NAMES: readonly ServiceName[];

export interface ServiceConfig {
  neo4jPort: number;
  kafkaPort: number;
  controllerPort: number;
  neo4jUri: string;
  kafkaBrokers: string;
  clusterPorts: number[];
  clusterControllerPort: number;
  /** The three brokers, comma-separated. */
  kafkaClusterBrokers: string;
  neo4j2Port: number;
  neo4j2Uri: string;
}

export interface EnsuredServices {
  neo4jUri: string;
  kafkaBrokers: string;
  kafkaClusterBrokers: string;
  neo4j2Uri: string;
  /** The services this call started (empty when all were already serving). */
  started: ServiceName[];
}

export interface ServiceState {
  name: ServiceName;
  address: string;
  /** The pid of the server this tree started, or null. */
  pid: number | null;
  healthy: boolean;
}

export declare function serviceConfig(env?: NodeJS.ProcessEnv): ServiceConfig;

export declare function ensureServices(options?: {
  services?: ServiceSelector[];
  env?: NodeJS.ProcessEnv;
}): Promise<EnsuredServices>;

export declare function stopServices(options?: {
  services?: ServiceSelector[];
  timeoutMs?: number;
}): Promise<ServiceName[]>;

export declare function serviceStatus(options?: {
  services?: ServiceSelector[];
  env?: NodeJS.ProcessEnv;
}): Promise<ServiceState[]>;

/** Adds services a test run started and kept (AUTHGRAPH_KEEP_SERVICES=1) to the hand-off file. */
export declare function recordTestRunServices(names: readonly ServiceName[]): void;

/** Stops the services recorded by recordTestRunServices, and forgets them. */
export declare function stopTestRunServices(options?: { timeoutMs?: number }): Promise<ServiceName[]>;

// Types for scripts/services.mjs, which stays plain JavaScript so it runs without a build step.

export type ServiceName = 'neo4j' | 'kafka';

export declare const SERVICE_NAMES: readonly ServiceName[];

export interface ServiceConfig {
  neo4jPort: number;
  kafkaPort: number;
  controllerPort: number;
  neo4jUri: string;
  kafkaBrokers: string;
}

export interface EnsuredServices {
  neo4jUri: string;
  kafkaBrokers: string;
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
  services?: ServiceName[];
  env?: NodeJS.ProcessEnv;
}): Promise<EnsuredServices>;

export declare function stopServices(options?: {
  services?: ServiceName[];
  timeoutMs?: number;
}): Promise<ServiceName[]>;

export declare function serviceStatus(options?: {
  services?: ServiceName[];
  env?: NodeJS.ProcessEnv;
}): Promise<ServiceState[]>;

/** Adds services a test run started and kept (AUTHGRAPH_KEEP_SERVICES=1) to the hand-off file. */
export declare function recordTestRunServices(names: readonly ServiceName[]): void;

/** Stops the services recorded by recordTestRunServices, and forgets them. */
export declare function stopTestRunServices(options?: { timeoutMs?: number }): Promise<ServiceName[]>;

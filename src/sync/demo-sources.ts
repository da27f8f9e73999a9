import { fileURLToPath } from 'node:url';
import { instancesFromConfig, loadConnectorsConfig } from './connectors-config.ts';
import type { ConnectorInstance } from './connectors-config.ts';
import { ReplayServer } from '../connector/replay-server.ts';
import type { ConnectorRuntime } from '../connector/types.ts';

// The demo's sources: the replay server serving the happy-path fixtures, and the connector
// instances of fixtures/demo/connectors.json pointed at it. The credentials are the fixture
// scenario's fake ones, handed over as environment values exactly as real ones would be.

export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../fixtures/demo/connectors.json', import.meta.url));

/** Fake credentials the replay scenarios accept (fixtures/*\/happy-path/scenario.json). */
export const DEMO_SECRET_ENV = {
  ENTRA_CLIENT_SECRET: 'fixture-entra-secret-Q7v~Xp2',
  SERVICENOW_PASSWORD: 'fixture-snow-password-7Hk!x',
  GITHUB_TOKEN: 'github_pat_fixture_11AAAA_not_a_real_token_9Zq',
};

export interface DemoSources {
  server: ReplayServer;
  instances: ConnectorInstance[];
  close(): Promise<void>;
}

export async function startDemoSources(runtime: ConnectorRuntime = {}, configPath = DEMO_CONFIG_PATH): Promise<DemoSources> {
  const server = await new ReplayServer().start();
  try {
    const file = loadConnectorsConfig(configPath, { REPLAY_URL: server.url });
    const instances = instancesFromConfig(file, { ...runtime, env: { ...DEMO_SECRET_ENV, ...runtime.env } });
    return { server, instances, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

// Helpers for integration tests that use the real servers provided by test/global-setup.ts.

import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** Bolt URI of the Neo4j server for this test run (authentication disabled). */
export function neo4jUri(): string {
  return inject('neo4jUri');
}

/** Kafka bootstrap brokers for this test run, as kafkajs expects them. */
export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/**
 * A tenant id no other test (or earlier run) uses. The servers are shared by every test file and
 * every run, so tests isolate their data by tenant instead of wiping the database.
 */
export function uniqueTenant(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

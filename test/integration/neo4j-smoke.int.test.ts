// Neo4j smoke test against the real server: right version and edition, and a write/read that
// isolates itself by tenant so it can share the server with every other test.

import neo4j from 'neo4j-driver';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

describe('Neo4j smoke', () => {
  let driver: Driver;
  const tenantId = uniqueTenant('smoke');

  beforeAll(async () => {
    // Authentication is disabled on the test server.
    driver = neo4j.driver(neo4jUri());
    await driver.verifyConnectivity();
  });

  afterAll(async () => {
    await driver?.executeQuery('MATCH (n:SmokeTest {tenantId: $tenantId}) DETACH DELETE n', { tenantId });
    await driver?.close();
  });

  it('runs Neo4j 5.26 Community', async () => {
    const { records } = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition',
    );
    const kernel = records.find((r) => r.get('name') === 'Neo4j Kernel');
    expect(kernel?.get('edition')).toBe('community');
    expect(kernel?.get('versions')[0]).toMatch(/^5\.26\./);
  });

  it('writes and reads a node scoped to a unique tenant', async () => {
    await driver.executeQuery('CREATE (:SmokeTest {tenantId: $tenantId, name: $name})', {
      tenantId,
      name: 'hello',
    });
    const { records } = await driver.executeQuery(
      'MATCH (n:SmokeTest {tenantId: $tenantId}) RETURN n.name AS name',
      { tenantId },
      { routing: neo4j.routing.READ },
    );
    expect(records.map((r) => r.get('name'))).toEqual(['hello']);

    await driver.executeQuery('MATCH (n:SmokeTest {tenantId: $tenantId}) DETACH DELETE n', { tenantId });
    const { records: left } = await driver.executeQuery(
      'MATCH (n:SmokeTest {tenantId: $tenantId}) RETURN count(n) AS n',
      { tenantId },
    );
    expect(left[0]?.get('n').toNumber()).toBe(0);
  });
});

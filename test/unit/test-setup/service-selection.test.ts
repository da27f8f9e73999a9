import { describe, expect, it } from 'vitest';
import { BROWSER_ENV_VARS, INSTALL_HINT, chromiumExecutable, findChromium } from '../../support/browser.ts';
import { needsLocalServers, selectServices, servicesToStop } from '../../support/service-selection.ts';

describe('where the test run gets Neo4j and Kafka', () => {
  it('uses servers named in the environment, per service, whatever Docker says', () => {
    const env = { NEO4J_URI: 'bolt://db:7687', KAFKA_BROKERS: 'k1:9092,k2:9092' };
    expect(needsLocalServers(env)).toBe(false);
    expect(selectServices(env, true)).toEqual({ neo4j: { kind: 'external', address: 'bolt://db:7687' }, kafka: { kind: 'external', address: 'k1:9092,k2:9092' } });
    // Only one named: the other still needs a server, from Docker when it answers.
    expect(needsLocalServers({ NEO4J_URI: 'bolt://db:7687' })).toBe(true);
    expect(selectServices({ NEO4J_URI: 'bolt://db:7687' }, true)).toEqual({ neo4j: { kind: 'external', address: 'bolt://db:7687' }, kafka: { kind: 'testcontainers' } });
    expect(selectServices({ KAFKA_BROKERS: ' k:1 ' }, false)).toEqual({ neo4j: { kind: 'jar' }, kafka: { kind: 'external', address: 'k:1' } });
  });

  it('takes Testcontainers when a Docker engine answers, the jar servers otherwise or when told not to', () => {
    expect(selectServices({}, true)).toEqual({ neo4j: { kind: 'testcontainers' }, kafka: { kind: 'testcontainers' } });
    expect(selectServices({}, false)).toEqual({ neo4j: { kind: 'jar' }, kafka: { kind: 'jar' } });
    expect(selectServices({ AUTHGRAPH_TESTCONTAINERS: '0' }, true)).toEqual({ neo4j: { kind: 'jar' }, kafka: { kind: 'jar' } });
    // A blank variable is no address.
    expect(selectServices({ NEO4J_URI: '  ', KAFKA_BROKERS: '' }, false)).toEqual({ neo4j: { kind: 'jar' }, kafka: { kind: 'jar' } });
  });

  it('stops what it started unless AUTHGRAPH_KEEP_SERVICES=1', () => {
    expect(servicesToStop(['neo4j', 'kafka'], {})).toEqual(['neo4j', 'kafka']);
    expect(servicesToStop(['kafka'], { AUTHGRAPH_KEEP_SERVICES: '1' })).toEqual([]);
    expect(servicesToStop(['kafka'], { AUTHGRAPH_KEEP_SERVICES: '0' })).toEqual(['kafka']);
    expect(servicesToStop([], {})).toEqual([]);
  });
});

describe('finding Chromium for the browser tests', () => {
  const files = (...present: string[]) => (file: string) => present.includes(file);

  it('takes CHROMIUM_PATH, then PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, then PATH', () => {
    expect(BROWSER_ENV_VARS).toEqual(['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']);
    const all = files('/opt/a/chrome', '/opt/b/chrome', '/usr/bin/chromium');
    expect(findChromium({ CHROMIUM_PATH: '/opt/a/chrome', PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/b/chrome', PATH: '/usr/bin' }, all)).toBe('/opt/a/chrome');
    expect(findChromium({ PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/b/chrome', PATH: '/usr/bin' }, all)).toBe('/opt/b/chrome');
    expect(findChromium({ PATH: '/nothing:/usr/bin' }, all)).toBe('/usr/bin/chromium');
    expect(findChromium({ PATH: '/snap/bin' }, files('/snap/bin/chromium-browser'))).toBe('/snap/bin/chromium-browser');
    expect(findChromium({ PATH: '/usr/bin' }, files())).toBeUndefined();
  });

  it('stops on a variable that names no browser, and without any says in one line how to install one', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nope', PATH: '/usr/bin' }, files('/usr/bin/chromium'))).toThrow(/CHROMIUM_PATH=\/nope is not an executable file/);
    expect(() => chromiumExecutable({ PATH: '/definitely/not/here' })).toThrow(INSTALL_HINT);
    expect(INSTALL_HINT).not.toContain('\n');
    expect(INSTALL_HINT).toMatch(/apt-get install chromium|playwright install chromium/);
  });
});

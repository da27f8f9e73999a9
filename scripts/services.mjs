#!/usr/bin/env node
// Real Neo4j and Kafka for development and tests, without Docker.
//
//   npm run services -- up|down|status [neo4j|kafka|kafka-cluster|neo4j-2] [--kafka-brokers=3]
//
// Beside the default pair, for the scale-out tests (docs/scale.md): a three-broker Kafka cluster
// (`kafka-cluster`: one KRaft controller and brokers kafka-broker-1..3, replication factor 3 and
// min.insync.replicas 2) and a second Neo4j (`neo4j-2`) for tenants placed on another server.
// `--kafka-brokers=3` means the cluster instead of the single broker.
//
// Both servers run from their published jars (fetched once with Maven into the git-ignored
// .services/ folder) as detached background JVMs bound to 127.0.0.1, so one `up` serves many
// test runs. The test global setup imports ensureServices()/stopServices() from here.
//
// Plain Node ESM on purpose: it must run before TypeScript tooling is involved (e.g. in .ci/run).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import neo4j from 'neo4j-driver';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE_DIR = path.join(ROOT, '.services');

/** What `up`, `down` and the test setup mean by default: one Neo4j, one Kafka broker. */
export const SERVICE_NAMES = /** @type {const} */ (['neo4j', 'kafka']);
/** Started only when named (the scale-out tests): they cost four more JVMs. */
export const KAFKA_CLUSTER_NAMES = /** @type {const} */ (['kafka-controller', 'kafka-broker-1', 'kafka-broker-2', 'kafka-broker-3']);
export const EXTRA_SERVICE_NAMES = /** @type {const} */ ([...KAFKA_CLUSTER_NAMES, 'neo4j-2']);
const ALL_SERVICE_NAMES = [...SERVICE_NAMES, ...EXTRA_SERVICE_NAMES];
/** Names that stand for several services. */
const ALIASES = { 'kafka-cluster': [...KAFKA_CLUSTER_NAMES] };

// Neo4j's own launcher opens these packages; without them its off-heap and NIO code fails.
const NEO4J_ADD_OPENS = ['java.nio', 'sun.nio.ch', 'java.io'].map(
  (pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`,
);

function log(message) {
  process.stderr.write(`[services] ${message}\n`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function portFromEnv(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port (1-65535)`);
  }
  return port;
}

/**
 * Ports and addresses, from the environment. The defaults are deliberately not the standard
 * ports (7687, 9092, 9093) so a developer's own servers on those ports never clash with these.
 */
export function serviceConfig(env = process.env) {
  const neo4jPort = portFromEnv(env, 'AUTHGRAPH_NEO4J_PORT', 7697);
  const kafkaPort = portFromEnv(env, 'AUTHGRAPH_KAFKA_PORT', 9192);
  const controllerPort = portFromEnv(env, 'AUTHGRAPH_KAFKA_CONTROLLER_PORT', 9193);
  // The scale-out servers: apart from the default ports, so they never meet a shared pair.
  const clusterPort = portFromEnv(env, 'AUTHGRAPH_KAFKA_CLUSTER_PORT', 9292);
  const clusterControllerPort = portFromEnv(env, 'AUTHGRAPH_KAFKA_CLUSTER_CONTROLLER_PORT', 9299);
  const neo4j2Port = portFromEnv(env, 'AUTHGRAPH_NEO4J_2_PORT', 7797);
  const clusterPorts = [clusterPort, clusterPort + 1, clusterPort + 2];
  return {
    neo4jPort,
    kafkaPort,
    controllerPort,
    neo4jUri: `bolt://127.0.0.1:${neo4jPort}`,
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    clusterPorts,
    clusterControllerPort,
    kafkaClusterBrokers: clusterPorts.map((p) => `127.0.0.1:${p}`).join(','),
    neo4j2Port,
    neo4j2Uri: `bolt://127.0.0.1:${neo4j2Port}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Tools

let javaChecked = false;

function requireJava() {
  if (javaChecked) return;
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      'java was not found on PATH. Neo4j 5.26 and Kafka 3.9 need Java 17 or newer: install a JDK ' +
        '(Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless), or point NEO4J_URI and ' +
        'KAFKA_BROKERS at servers you run yourself.',
    );
  }
  // `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (old JDKs: "1.8.0_x").
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= 17)) {
    throw new Error(
      `Java 17 or newer is needed (found: ${result.stderr.split('\n')[0] || 'unknown'}). ` +
        'Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless',
    );
  }
  javaChecked = true;
}

function requireMaven() {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      'mvn was not found on PATH. It fetches the Neo4j and Kafka jars once from Maven Central ' +
        '(Debian/Ubuntu: apt-get install -y maven).',
    );
  }
}

/** Last lines of a log file, for error messages that explain themselves. */
function tail(file, lines = 25) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs a command to completion with its output in a log file; rejects with the log's tail. */
function run(command, args, logFile) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new Error(`${command} ${args.join(' ')} failed (${why}). ${logFile}:\n${tail(logFile)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Processes and locks

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it is not one of ours.
    return false;
  }
}

/** The pid file records the address too, so a changed port is noticed rather than waited on. */
function readPidFile(service) {
  try {
    const record = JSON.parse(fs.readFileSync(service.pidFile, 'utf8'));
    return Number.isInteger(record?.pid) && record.pid > 0 ? record : null;
  } catch {
    return null;
  }
}

/**
 * The process recorded for a service, if it is still alive and still is that service. The
 * command-line check guards against pid reuse after a reboot or crash (we must never signal a
 * stranger), and treats an unreaped zombie (empty cmdline) as gone.
 *
 * @returns {{ pid: number, address: string } | null}
 */
function runningProcess(service) {
  const record = readPidFile(service);
  if (record === null || !isAlive(record.pid)) return null;
  try {
    const cmdline = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    if (!cmdline.includes(service.processMarker) || !cmdline.includes(service.dir)) return null;
  } catch {
    // No /proc (macOS): trust the pid file.
  }
  return record;
}

function runningPid(service) {
  return runningProcess(service)?.pid ?? null;
}

/**
 * A cross-process lock (an exclusive-create file holding the owner's pid), so that two test
 * runs or an `up` beside a test run never start the same server twice, and two Maven runs never
 * write the same local repository at once. A lock whose owner died is taken over.
 */
async function withLock(name, timeoutMs, fn) {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const file = path.join(STATE_DIR, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8').trim() || '0');
      if (owner > 0 && owner !== process.pid && !isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${file} (held by pid ${owner})`);
      if (!announced && owner !== process.pid) log(`waiting for pid ${owner} (lock ${name})`);
      announced = true;
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Health checks: real protocol round trips, not open ports (a port opens before the server can
// answer; Kafka in particular accepts connections while its metadata is still loading).

async function neo4jHealthy(uri) {
  const driver = neo4j.driver(uri, undefined, {
    connectionTimeout: 2_000,
    // One attempt per probe; the caller's loop is the retry.
    maxTransactionRetryTime: 0,
    logging: { level: 'error', logger: () => {} },
  });
  try {
    const { records } = await driver.executeQuery('RETURN 1 AS ok');
    return records[0]?.get('ok').toNumber() === 1;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

async function kafkaHealthy(brokers) {
  const kafka = new Kafka({
    clientId: 'authgraph-services',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    // A Metadata request answered by the broker, with itself and an active controller listed.
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Kafka creates its internal topics (transaction state for idempotent producers, consumer
 * offsets for groups) lazily, on first use, and answers "coordinator is loading" until they are
 * loaded. Using both once right after start means the first test neither waits for that nor
 * logs kafkajs retry errors. Best effort: a failure here only costs that wait later.
 */
async function kafkaWarmUp(brokers, replicationFactor = 1) {
  const kafka = new Kafka({ clientId: 'authgraph-services-warmup', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const topic = 'authgraph.services.warmup';
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor }], waitForLeaders: true });
    await producer.connect(); // InitProducerId: brings up the transaction-state coordinator
    await producer.send({ topic, acks: -1, messages: [{ key: 'warmup', value: new Date().toISOString() }] });
    await admin.describeGroups(['authgraph-services-warmup']); // FindCoordinator: consumer offsets
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/** A KRaft controller serves no client API: it is up once its listener accepts connections. */
function portAccepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2_000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The cluster's own topic settings (the seeds' defaults); tests may ask for fewer copies. */
function clusterReplication(env = process.env) {
  const rf = Number(env.AUTHGRAPH_KAFKA_CLUSTER_REPLICATION_FACTOR ?? 3);
  const minIsr = Number(env.AUTHGRAPH_KAFKA_CLUSTER_MIN_INSYNC ?? 2);
  if (!(Number.isInteger(rf) && rf >= 1 && rf <= 3 && Number.isInteger(minIsr) && minIsr >= 1 && minIsr <= rf)) {
    throw new Error(`cluster replication factor ${rf} / min.insync.replicas ${minIsr}: need 1 <= min.insync <= factor <= 3`);
  }
  return { rf, minIsr };
}

// ---------------------------------------------------------------------------------------------
// The services

function defineService(name, spec) {
  const dir = path.join(STATE_DIR, name);
  return {
    name,
    dir,
    lib: path.join(dir, 'lib'),
    logs: path.join(dir, 'logs'),
    data: path.join(dir, 'data'),
    pidFile: path.join(dir, `${name}.pid`),
    pom: path.join(ROOT, 'services', name, 'pom.xml'),
    ...spec,
  };
}

const KAFKA_LIB = path.join(STATE_DIR, 'kafka', 'lib');
const CLUSTER_ID_FILE = path.join(STATE_DIR, 'kafka-cluster-id');

/** What every Kafka node shares: the jars of the `kafka` service, its log4j set-up, a heap. */
function kafkaJvm(heap = '512m') {
  return {
    lib: KAFKA_LIB,
    pom: path.join(ROOT, 'services', 'kafka', 'pom.xml'),
    propsFile() {
      return path.join(this.dir, 'server.properties');
    },
    commonJavaArgs() {
      return [
        `-Xmx${heap}`,
        '-XX:+ExitOnOutOfMemoryError',
        `-Dlog4j.configuration=${pathToFileURL(path.join(ROOT, 'services', 'kafka', 'log4j.properties')).href}`,
        `-Dkafka.logs.dir=${this.logs}`,
        '-cp',
        `${this.lib}/*`,
      ];
    },
    javaArgs() {
      return [...this.commonJavaArgs(), 'kafka.Kafka', this.propsFile()];
    },
  };
}

/**
 * Renders a Kafka node's properties from a template (every start, so port changes take effect)
 * and formats its KRaft storage once. Nodes of one cluster share the cluster id file.
 */
async function renderAndFormat(service, templateName, idFile, values) {
  let props = fs.readFileSync(path.join(ROOT, 'services', 'kafka', templateName), 'utf8').replaceAll('{{DATA_DIR}}', service.data);
  for (const [name, value] of Object.entries(values)) props = props.replaceAll(`{{${name}}}`, String(value));
  fs.writeFileSync(service.propsFile(), props);

  // KRaft needs formatted storage before the first start; a JVM launch each is ~1-2 s, so
  // skip both steps once the data folder carries its meta.properties.
  if (fs.existsSync(path.join(service.data, 'meta.properties'))) return;
  await withLock('kafka-cluster-id', 60_000, async () => {
    if (fs.existsSync(idFile)) return;
    const result = spawnSync('java', [...service.commonJavaArgs(), 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' });
    const id = result.stdout?.trim().split('\n').pop();
    if (result.status !== 0 || !id) throw new Error(`kafka StorageTool random-uuid failed:\n${result.stderr}`);
    fs.writeFileSync(idFile, `${id}\n`);
  });
  const clusterId = fs.readFileSync(idFile, 'utf8').trim();
  await run(
    'java',
    [...service.commonJavaArgs(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', service.propsFile(), '--ignore-formatted'],
    path.join(service.logs, 'format.log'),
  );
}

const SERVICES = {
  neo4j: defineService('neo4j', {
    processMarker: 'Launcher.java',
    // After a crash Neo4j replays its logs before it answers: give a busy machine time.
    startTimeoutMs: 300_000,
    address: (cfg) => cfg.neo4jUri,
    healthy: (cfg) => neo4jHealthy(cfg.neo4jUri),
    prepare: async () => {},
    warmUp: async () => {},
    javaArgs(cfg) {
      return [
        // A sync commits its graph changes, events and outbox rows in one transaction: the heap
        // must hold a large sync's transaction state (see the Launcher's transaction limit).
        '-Xmx3g',
        '-XX:+ExitOnOutOfMemoryError',
        ...NEO4J_ADD_OPENS,
        '-cp',
        `${this.lib}/*`, // No shell is involved: java expands the wildcard itself.
        path.join(ROOT, 'services', 'neo4j', 'Launcher.java'),
        this.data,
        String(cfg.neo4jPort),
        this.logs,
      ];
    },
  }),

  // A second Community server for tenants placed apart (src/storage/placement.ts). Same jars,
  // its own data, a smaller heap: it holds test tenants only.
  'neo4j-2': defineService('neo4j-2', {
    processMarker: 'Launcher.java',
    startTimeoutMs: 300_000,
    address: (cfg) => cfg.neo4j2Uri,
    healthy: (cfg) => neo4jHealthy(cfg.neo4j2Uri),
    prepare: async () => {},
    warmUp: async () => {},
    lib: path.join(STATE_DIR, 'neo4j', 'lib'),
    pom: path.join(ROOT, 'services', 'neo4j', 'pom.xml'),
    javaArgs(cfg) {
      return [
        '-Xmx1g',
        '-XX:+ExitOnOutOfMemoryError',
        ...NEO4J_ADD_OPENS,
        '-cp',
        `${this.lib}/*`,
        path.join(ROOT, 'services', 'neo4j', 'Launcher.java'),
        this.data,
        String(cfg.neo4j2Port),
        this.logs,
      ];
    },
  }),

  kafka: defineService('kafka', {
    processMarker: 'kafka.Kafka',
    startTimeoutMs: 90_000,
    address: (cfg) => cfg.kafkaBrokers,
    healthy: (cfg) => kafkaHealthy(cfg.kafkaBrokers),
    warmUp: (cfg) => kafkaWarmUp(cfg.kafkaBrokers),
    ...kafkaJvm(),
    async prepare(cfg) {
      // Rendered on every start so that port changes via the environment take effect.
      await renderAndFormat(this, 'server.properties.template', path.join(this.dir, 'cluster-id'), {
        KAFKA_PORT: cfg.kafkaPort,
        CONTROLLER_PORT: cfg.controllerPort,
      });
    },
  }),

  'kafka-controller': defineService('kafka-controller', {
    processMarker: 'kafka.Kafka',
    startTimeoutMs: 90_000,
    address: (cfg) => `controller 127.0.0.1:${cfg.clusterControllerPort}`,
    healthy: (cfg) => portAccepts(cfg.clusterControllerPort),
    warmUp: async () => {},
    ...kafkaJvm('256m'),
    async prepare(cfg) {
      await renderAndFormat(this, 'cluster-controller.properties.template', CLUSTER_ID_FILE, { CONTROLLER_PORT: cfg.clusterControllerPort });
    },
  }),

  ...Object.fromEntries(
    [1, 2, 3].map((n) => [
      `kafka-broker-${n}`,
      defineService(`kafka-broker-${n}`, {
        processMarker: 'kafka.Kafka',
        startTimeoutMs: 120_000,
        address: (cfg) => `127.0.0.1:${cfg.clusterPorts[n - 1]}`,
        healthy: (cfg) => kafkaHealthy(`127.0.0.1:${cfg.clusterPorts[n - 1]}`),
        // The cluster is warmed up once all three answer (ensureServices): internal topics with
        // three replicas cannot be created before.
        warmUp: async () => {},
        ...kafkaJvm(),
        async prepare(cfg) {
          const { rf, minIsr } = clusterReplication();
          await renderAndFormat(this, 'cluster-broker.properties.template', CLUSTER_ID_FILE, {
            NODE_ID: n,
            KAFKA_PORT: cfg.clusterPorts[n - 1],
            CONTROLLER_PORT: cfg.clusterControllerPort,
            REPLICATION_FACTOR: rf,
            MIN_INSYNC: minIsr,
          });
        },
      }),
    ]),
  ),
};

/** `undefined` means every service; an empty list means none (e.g. "stop what I started"). */
function resolveNames(names) {
  if (names === undefined) return [...SERVICE_NAMES];
  const expanded = names.flatMap((name) => ALIASES[name] ?? [name]);
  for (const name of expanded) {
    if (!ALL_SERVICE_NAMES.includes(name)) {
      throw new Error(`unknown service "${name}" (expected one of: ${[...ALL_SERVICE_NAMES, ...Object.keys(ALIASES)].join(', ')})`);
    }
  }
  return [...new Set(expanded)];
}

/** Copies the jars with Maven unless the ones in lib/ were fetched for the current pom. */
async function fetchJars(service) {
  const pomHash = createHash('sha256').update(fs.readFileSync(service.pom)).digest('hex');
  const stamp = path.join(service.lib, '.fetched');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === pomHash) return;

  // Serialized: concurrent Maven runs can corrupt a shared ~/.m2 (both want the plugin jars).
  await withLock('maven', 15 * 60_000, async () => {
    // Services that share jars (the cluster's nodes) may have waited here for the same fetch.
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === pomHash) return;
    requireMaven();
    log(`fetching ${service.name} jars with Maven (once; cached in .services/${service.name}/lib)`);
    const started = Date.now();
    // Start from an empty folder so jars dropped from the pom do not linger on the class path.
    fs.rmSync(service.lib, { recursive: true, force: true });
    fs.mkdirSync(service.lib, { recursive: true });
    await run(
      'mvn',
      ['-B', '-q', '-f', service.pom, 'dependency:copy-dependencies', `-Dauthgraph.lib=${service.lib}`],
      path.join(service.logs, 'mvn.log'),
    );
    fs.writeFileSync(stamp, `${pomHash}\n`);
    const count = fs.readdirSync(service.lib).filter((f) => f.endsWith('.jar')).length;
    log(`fetched ${count} ${service.name} jars in ${seconds(Date.now() - started)}`);
  });
}

async function waitHealthy(service, cfg, isExited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const outLog = path.join(service.logs, `${service.name}.out`);
  while (Date.now() < deadline) {
    if (await service.healthy(cfg)) return;
    if (isExited()) {
      throw new Error(
        `${service.name} exited during start-up (is ${service.address(cfg)} already in use? ` +
          `ports are set by AUTHGRAPH_NEO4J_PORT / AUTHGRAPH_KAFKA_PORT / AUTHGRAPH_KAFKA_CONTROLLER_PORT). ` +
          `${outLog}:\n${tail(outLog)}`,
      );
    }
    await sleep(500);
  }
  throw new Error(`${service.name} did not become healthy within ${seconds(timeoutMs)}. ${outLog}:\n${tail(outLog)}`);
}

/**
 * Makes one service healthy. Returns true when this call started it, false when it was already
 * serving (possibly a server this tree did not start, e.g. a developer's own on that port).
 */
async function ensureService(service, cfg) {
  if (await service.healthy(cfg)) return false;

  return withLock(service.name, 15 * 60_000, async () => {
    // Someone may have started it while we waited for the lock.
    if (await service.healthy(cfg)) return false;
    const existing = runningProcess(service);
    if (existing && existing.address !== service.address(cfg)) {
      throw new Error(
        `${service.name} from this tree is running at ${existing.address} (pid ${existing.pid}), not at ` +
          `${service.address(cfg)}: run \`npm run services -- down ${service.name}\` before changing ports.`,
      );
    }
    if (existing) {
      // Alive but not answering yet: a start that is still under way, so wait rather than start a twin.
      log(`${service.name} (pid ${existing.pid}) is running but not healthy yet; waiting`);
      await waitHealthy(service, cfg, () => runningPid(service) === null, service.startTimeoutMs);
      return false;
    }

    requireJava();
    for (const dir of [service.dir, service.logs, service.data]) fs.mkdirSync(dir, { recursive: true });
    await fetchJars(service);
    await service.prepare(cfg);

    const started = Date.now();
    const outLog = path.join(service.logs, `${service.name}.out`);
    const out = fs.openSync(outLog, 'a');
    fs.writeSync(out, `\n--- start ${new Date().toISOString()} ---\n`);
    // Detached (own process group, no stdin, output in a file): it outlives this process, so one
    // `up` serves every later test run.
    const child = spawn('java', service.javaArgs(cfg), {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start java for ${service.name}`);
    fs.writeFileSync(service.pidFile, `${JSON.stringify({ pid: child.pid, address: service.address(cfg) })}\n`);

    try {
      await waitHealthy(service, cfg, () => exited, service.startTimeoutMs);
    } catch (error) {
      // Never leave a half-started server behind: nothing would ever stop it.
      await stopService(service, 10_000).catch(() => {});
      throw error;
    }
    const warmUp = service.warmUp(cfg);
    const warmUpTimeout = sleep(30_000, 'timeout', { ref: false }); // unref'd: never holds a caller open
    const warmed = await Promise.race([warmUp.then(() => 'ok'), warmUpTimeout]).catch((error) => error.message);
    if (warmed !== 'ok') log(`${service.name} warm-up did not finish (${warmed}); continuing`);
    log(`${service.name} up at ${service.address(cfg)} (pid ${child.pid}) in ${seconds(Date.now() - started)}`);
    return true;
  });
}

/**
 * Starts whichever of the services is not already healthy (in parallel: the JVMs' start-up is
 * mostly waiting) and returns where to reach them, plus the names this call started, so a caller
 * can stop exactly those.
 *
 * @param {{ services?: string[], env?: NodeJS.ProcessEnv }} [options]
 */
export async function ensureServices(options = {}) {
  const cfg = serviceConfig(options.env);
  const names = resolveNames(options.services);
  const results = await Promise.allSettled(names.map((name) => ensureService(SERVICES[name], cfg)));
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  const started = names.filter((_, i) => results[i].status === 'fulfilled' && results[i].value === true);
  if (failures.length > 0) {
    // Don't leave half a set running on behalf of a caller that is about to fail.
    await stopServices({ services: started }).catch(() => {});
    const messages = [...new Set(failures.map((e) => e.message))]; // e.g. "no java" once, not per service
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, messages.join('\n'));
  }
  if (KAFKA_CLUSTER_NAMES.every((n) => names.includes(n)) && started.some((n) => KAFKA_CLUSTER_NAMES.includes(n))) {
    // Internal topics with three replicas exist only once all three brokers are up: warm now.
    const warmed = await kafkaWarmUp(cfg.kafkaClusterBrokers, clusterReplication().rf).then(
      () => 'ok',
      (error) => error.message,
    );
    if (warmed !== 'ok') log(`kafka cluster warm-up did not finish (${warmed}); continuing`);
  }
  return { neo4jUri: cfg.neo4jUri, kafkaBrokers: cfg.kafkaBrokers, kafkaClusterBrokers: cfg.kafkaClusterBrokers, neo4j2Uri: cfg.neo4j2Uri, started };
}

/** SIGTERM (both servers shut down cleanly on it), then SIGKILL if it takes too long. */
async function stopService(service, timeoutMs) {
  const pid = runningPid(service);
  if (pid === null) {
    fs.rmSync(service.pidFile, { force: true });
    return false;
  }
  const started = Date.now();
  process.kill(pid, 'SIGTERM');
  while (Date.now() - started < timeoutMs && runningPid(service) !== null) await sleep(200);
  if (runningPid(service) !== null) {
    log(`${service.name} (pid ${pid}) still running after ${seconds(timeoutMs)}; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    while (runningPid(service) !== null) await sleep(100);
  }
  fs.rmSync(service.pidFile, { force: true });
  log(`${service.name} stopped (pid ${pid}) in ${seconds(Date.now() - started)}`);
  return true;
}

/**
 * Stops the named services (default: both) if this tree started them; a server on the port
 * that this tree did not start is left alone.
 *
 * @param {{ services?: string[], timeoutMs?: number }} [options]
 */
export async function stopServices(options = {}) {
  const names = resolveNames(options.services);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Brokers before their controller: a broker whose controller is gone cannot finish its
  // controlled shutdown and waits out the timeout (30 s) before it is killed.
  const [last, first] = [names.filter((n) => n === 'kafka-controller'), names.filter((n) => n !== 'kafka-controller')];
  const stoppedFirst = await Promise.all(first.map((name) => stopService(SERVICES[name], timeoutMs)));
  const stoppedLast = await Promise.all(last.map((name) => stopService(SERVICES[name], timeoutMs)));
  return [...first.filter((_, i) => stoppedFirst[i]), ...last.filter((_, i) => stoppedLast[i])];
}

// npm test runs two vitest passes (main suite, then the fault suite) over one pair of servers. The
// first pass keeps what it started (AUTHGRAPH_KEEP_SERVICES=1) and writes the names here; the
// test script's last step stops exactly those, however the passes ended. Servers a developer
// started beforehand are never in the file, so they are never stopped.
const TEST_RUN_FILE = path.join(STATE_DIR, 'test-run-started.json');

/** Adds services a test run started and kept to the hand-off file. */
export function recordTestRunServices(names) {
  if (names.length === 0) return;
  fs.mkdirSync(STATE_DIR, { recursive: true });
  let recorded = [];
  try {
    recorded = JSON.parse(fs.readFileSync(TEST_RUN_FILE, 'utf8'));
  } catch {
    // no file yet
  }
  fs.writeFileSync(TEST_RUN_FILE, JSON.stringify([...new Set([...recorded, ...names])].filter((n) => ALL_SERVICE_NAMES.includes(n))));
}

/** Stops the services a test run recorded, and forgets them. */
export async function stopTestRunServices(options = {}) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(TEST_RUN_FILE, 'utf8'));
  } catch {
    return [];
  }
  const stopped = await stopServices({ services: recorded.filter((n) => ALL_SERVICE_NAMES.includes(n)), timeoutMs: options.timeoutMs });
  fs.rmSync(TEST_RUN_FILE, { force: true });
  return stopped;
}

/**
 * @param {{ services?: string[], env?: NodeJS.ProcessEnv }} [options]
 */
export async function serviceStatus(options = {}) {
  const cfg = serviceConfig(options.env);
  const names = resolveNames(options.services);
  return Promise.all(
    names.map(async (name) => {
      const service = SERVICES[name];
      const pid = runningPid(service);
      const healthy = await service.healthy(cfg);
      return { name, address: service.address(cfg), pid, healthy };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE =
  'usage: node scripts/services.mjs up|down|status [neo4j|kafka|kafka-cluster|neo4j-2] [--kafka-brokers=1|3]   |   down --test-run (what the last npm test started)';

/** `--kafka-brokers=3` swaps the single broker for the cluster (1, the default, changes nothing). */
function applyBrokerCount(argv) {
  const flag = argv.find((a) => a.startsWith('--kafka-brokers'));
  const rest = argv.filter((a) => a !== flag);
  if (flag === undefined) return { rest, cluster: false };
  const count = flag.split('=')[1];
  if (count !== '1' && count !== '3') throw new Error(`--kafka-brokers takes 1 or 3 (got ${count ?? 'nothing'})`);
  return { rest, cluster: count === '3' };
}

async function main(argv) {
  if (argv[0] === 'down' && argv[1] === '--test-run') {
    const stopped = await stopTestRunServices();
    if (stopped.length > 0) log(`stopped what the test run started: ${stopped.join(', ')}`);
    return 0;
  }
  const { rest, cluster } = applyBrokerCount(argv);
  const [command, ...names] = rest;
  let services = resolveNames(names.length > 0 ? names : undefined);
  if (cluster) services = resolveNames([...services.filter((n) => n !== 'kafka'), 'kafka-cluster']);
  switch (command) {
    case 'up': {
      const started = Date.now();
      const { neo4jUri, kafkaBrokers, kafkaClusterBrokers, neo4j2Uri, started: startedNames } = await ensureServices({ services });
      const note = startedNames.length > 0 ? `started ${startedNames.join(', ')}` : 'already running';
      log(`ready in ${seconds(Date.now() - started)} (${note})`);
      const exports = [];
      if (services.includes('neo4j')) exports.push(`NEO4J_URI=${neo4jUri}`);
      if (services.includes('kafka')) exports.push(`KAFKA_BROKERS=${kafkaBrokers}`);
      else if (services.includes('kafka-broker-1')) exports.push(`KAFKA_BROKERS=${kafkaClusterBrokers}`);
      if (services.includes('neo4j-2')) exports.push(`NEO4J_2_URI=${neo4j2Uri}`);
      console.log(exports.join(' '));
      return 0;
    }
    case 'down': {
      const stopped = await stopServices({ services });
      if (stopped.length === 0) log('nothing to stop');
      return 0;
    }
    case 'status': {
      const rows = await serviceStatus({ services });
      for (const row of rows) {
        const state = row.healthy
          ? row.pid !== null
            ? `up       pid ${row.pid}`
            : 'up       (not started by this tree)'
          : row.pid !== null
            ? `starting or unhealthy, pid ${row.pid}`
            : 'down';
        console.log(`${row.name.padEnd(16)} ${row.address.padEnd(30)} ${state}`);
      }
      // Non-zero when something asked about is not serving, so scripts can test it.
      return rows.every((row) => row.healthy) ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`[services] ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}

import { z } from 'zod';
import { formatPath } from '../../model/index.ts';
import { DEFAULT_BATCH_SIZE } from './statements.ts';

/**
 * See singleTransactionRows. Measured on the local server (2 GiB of transaction memory for all
 * transactions together), first syncs of the synthetic tenant through applyGraph: 10k nodes
 * (~120k rows with events and outbox rows) commit in one transaction; 25k nodes (~300k rows) fail
 * with MemoryPoolOutOfMemoryError after 62 s, and pass staged. 100k leaves room for the other
 * transactions that share the pool.
 */
export const SINGLE_TRANSACTION_ROWS = 100_000;

const Schema = z.object({
  uri: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^/]+/, 'use bolt://host:port (one server) or neo4j://host:port (a cluster), e.g. bolt://127.0.0.1:7697'),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Community edition has one database: neo4j. */
  database: z.string().min(1).default('neo4j'),
  batchSize: z.number().int().min(1).max(100_000).default(DEFAULT_BATCH_SIZE),
  /** Bulk writes (not commitSync) commit about this many rows per transaction. */
  transactionRows: z.number().int().min(1).max(1_000_000).default(20_000),
  /**
   * A sync commit of more rows than this (nodes, edges, removals, events, outbox rows) is staged
   * in transactions of `transactionRows` and switched in one (staged-commit.ts) instead of being
   * written in one transaction: the server's transaction memory bounds a single transaction.
   */
  singleTransactionRows: z.number().int().min(1).default(SINGLE_TRANSACTION_ROWS),
  fetchSize: z.number().int().min(1).max(1_000_000).default(10_000),
  transactionTimeoutMs: z.number().int().positive().optional(),
  /** How long the driver keeps retrying a unit of work on transient errors (driver default 30 s). */
  maxTransactionRetryTimeMs: z.number().int().nonnegative().default(30_000),
  /** Create missing constraints and indexes on connect (cypher/schema). */
  applySchema: z.boolean().default(true),
});

export type Neo4jStorageConfigInput = z.input<typeof Schema>;
export type Neo4jStorageConfigValues = z.output<typeof Schema>;

export class Neo4jConfigError extends Error {
  override readonly name = 'Neo4jConfigError';
}

/** Neo4j adapter settings, parsed once with messages that say how to fix them. */
export const Neo4jStorageConfig = {
  fromInput(input: Neo4jStorageConfigInput): Neo4jStorageConfigValues {
    const parsed = Schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const lines = parsed.error.issues.map((i) => `  - ${formatPath(i.path) || '(root)'}: ${i.message}`);
    throw new Neo4jConfigError(`Neo4j storage settings are invalid:\n${lines.join('\n')}`);
  },
  /** From NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE. */
  fromEnv(env: NodeJS.ProcessEnv = process.env): Neo4jStorageConfigValues {
    if (!env.NEO4J_URI) throw new Neo4jConfigError('NEO4J_URI is not set: point it at a Neo4j 5 server, e.g. bolt://127.0.0.1:7697 (npm run services -- up)');
    return Neo4jStorageConfig.fromInput({
      uri: env.NEO4J_URI,
      ...(env.NEO4J_USER ? { user: env.NEO4J_USER } : {}),
      ...(env.NEO4J_PASSWORD ? { password: env.NEO4J_PASSWORD } : {}),
      ...(env.NEO4J_DATABASE ? { database: env.NEO4J_DATABASE } : {}),
    });
  },
};

import type { ManagedTransaction } from 'neo4j-driver';
import { EDGE_TYPES, sharedHash } from '../../model/index.ts';
import type { StoredHashes } from '../StorageAdapter.ts';
import { render } from './cypher-files.ts';

// previousState's wire format (nodes/ and edges/hashes-for-connector.cypher): a sync reads the id
// and content hash of every row its connector stored. One record of two strings per row cost the
// JS driver about 8 µs a row to decode; rows joined server-side into "hash id\n" lines of 50 cost
// the server (Community's slotted runtime: a reduce with a CASE per row) as much again. Two lists
// per record, the ids and the hashes in one order, cost the server no string building, and the
// client keeps each id as it was decoded: "hash id" strings had to be cut apart, and the ids then
// were slices of them, which the diff's lookups hash and compare through (a 100k-node 1% sync's
// diff and checks: 0.6 → 0.4 s, ids and hashes unchanged at ~0.5 s; 2026-11-30, three syncs each
// way, load 1.1–1.3). Edges come in one statement over every relationship type (UNION ALL of one
// index seek per type), not a round trip per type. Both statements are sent before either answer
// is read, so the server builds the edges' lists while the client decodes the nodes'.
//
// The lists are sliced, HASH_SLICE rows a record (~60 KB), not one list per statement: the
// server sends a record in chunks of a few KB, and the driver reads a record of many chunks
// through a CombinedBuffer whose every byte read and every string decode walks the list of chunks
// from the start — quadratic in the record's size. A 100k-node tenant's 300k edge pairs are one
// 27 MB record otherwise. Measured on it (2026-11-30, load 3–4, 6 rounds alternating): one list
// per statement 510–760 ms, slices of 500 / 1,000 / 2,000 rows 360–420 ms (outliers 600–940 ms
// in either); slices of 200 cost more per record again.
export const HASH_SLICE = 1_000;

/** Add the ids and hashes of two lists of one order to `into` (id → hash); the plain edges' hash is shared (sharedHash). */
export function addHashLists(into: Map<string, string>, ids: readonly string[], hashes: readonly string[]): void {
  if (ids.length !== hashes.length) throw new Error(`stored hashes: ${ids.length} ids but ${hashes.length} hashes in one record`);
  for (let i = 0; i < ids.length; i++) into.set(ids[i]!, sharedHash(hashes[i]!));
}

/** The edges' statement: every relationship type's index seek, one list each. */
export function edgeHashesStatement(): string {
  return EDGE_TYPES.map((type) => render('edgeHashesForConnector', { TYPE: type, SLICE: String(HASH_SLICE) })).join('\nUNION ALL\n');
}

/** A connector's stored ids and content hashes, read in `tx` (two statements, pipelined; many records each). */
export async function readPreviousState(tx: ManagedTransaction, tenantId: string, connectorId: string): Promise<StoredHashes> {
  const params = { tenantId, connectorId };
  const nodes = tx.run(render('nodeHashesForConnector', { SLICE: String(HASH_SLICE) }), params);
  const edges = tx.run(edgeHashesStatement(), params);
  const nodeHashes = new Map<string, string>();
  for (const record of (await nodes).records) addHashLists(nodeHashes, record.get('ids') as string[], record.get('hashes') as string[]);
  const edgeHashes = new Map<string, string>();
  for (const record of (await edges).records) addHashLists(edgeHashes, record.get('ids') as string[], record.get('hashes') as string[]);
  return { nodeHashes, edgeHashes };
}

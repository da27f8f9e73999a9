import type { ManagedTransaction } from 'neo4j-driver';
import { EDGE_TYPES } from '../../model/index.ts';
import type { PreviousState } from '../StorageAdapter.ts';
import { render } from './cypher-files.ts';

// previousState's wire format (nodes/ and edges/hashes-for-connector.cypher): a sync reads the id
// and content hash of every row its connector stored. One record of two strings per row cost the
// JS driver about 8 µs a row to decode; rows joined server-side into "hash id\n" lines of 50 cost
// the server (Community's slotted runtime: a reduce with a CASE per row) as much again. Lists of
// "hash id" strings, one string a row, are cheaper at both ends. Edges come in one statement over
// every relationship type (UNION ALL of one index seek per type), not a round trip per type. Both
// statements are sent before either answer is read, so the server builds the edges' lists while
// the client decodes the nodes'.
//
// The lists are sliced, HASH_SLICE strings a record (~90 KB), not one list per statement: the
// server sends a record in chunks of a few KB, and the driver reads a record of many chunks
// through a CombinedBuffer whose every byte read and every string decode walks the list of chunks
// from the start — quadratic in the record's size. A 100k-node tenant's 300k edge pairs are one
// 27 MB record otherwise. Measured on it (2026-11-30, load 3–4, 6 rounds alternating): one list
// per statement 510–760 ms, slices of 500 / 1,000 / 2,000 rows 360–420 ms (outliers 600–940 ms
// in either); slices of 200 cost more per record again.
export const HASH_SLICE = 1_000;

/** Add "hash id" rows to `into` (id → hash): a content hash holds no space, so the first space ends it. */
export function addHashPairs(into: Map<string, string>, rows: readonly string[]): void {
  for (const row of rows) {
    const space = row.indexOf(' ');
    into.set(row.slice(space + 1), row.slice(0, space));
  }
}

/** The edges' statement: every relationship type's index seek, one list each. */
export function edgeHashesStatement(): string {
  return EDGE_TYPES.map((type) => render('edgeHashesForConnector', { TYPE: type, SLICE: String(HASH_SLICE) })).join('\nUNION ALL\n');
}

/** A connector's stored ids and content hashes, read in `tx` (two statements, pipelined; many records each). */
export async function readPreviousState(tx: ManagedTransaction, tenantId: string, connectorId: string): Promise<PreviousState> {
  const params = { tenantId, connectorId };
  const nodes = tx.run(render('nodeHashesForConnector', { SLICE: String(HASH_SLICE) }), params);
  const edges = tx.run(edgeHashesStatement(), params);
  const nodeHashes = new Map<string, string>();
  for (const record of (await nodes).records) addHashPairs(nodeHashes, record.get('rows') as string[]);
  const edgeHashes = new Map<string, string>();
  for (const record of (await edges).records) addHashPairs(edgeHashes, record.get('rows') as string[]);
  return { nodeHashes, edgeHashes };
}

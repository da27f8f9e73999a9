import neo4j from 'neo4j-driver';
import type { ManagedTransaction } from 'neo4j-driver';

// previousState's wire format (nodes/ and edges/hashes-for-connector.cypher): a sync reads the id
// and content hash of every row its connector stored, and one record of two strings per row cost
// the JS driver about 8 µs a row to decode — 400k rows of a 100k-node tenant took seconds while
// the server had answered in a tenth of that. Joined server-side into "hash id\n" lines, $chunk
// rows to a string, the same read decodes a few thousand strings. Measured on the 100k-node
// synthetic tenant (nodes, 100k rows): 25 rows a string 290–700 ms, 50 rows 270–480 ms, 100 rows
// 280–290 ms, one record a row 770–1,290 ms; 50 is chosen because the server's join copies
// each string once per row added (a string of n rows costs n²/2 row copies).

/** Rows joined to one string by the server. */
export const HASH_LINES_CHUNK = 50;

/**
 * Add one result's rows to `into` (id → hash). `lines`: "hash id\n" rows (a content hash holds
 * neither space nor newline, so the first space ends it and the id is the rest of the line, spaces
 * and all); `odd`: whole "hash id" rows whose id holds a newline, kept out of `lines`.
 */
export function addHashLines(into: Map<string, string>, lines: string, odd: readonly string[]): void {
  let at = 0;
  for (let end = lines.indexOf('\n'); end >= 0; at = end + 1, end = lines.indexOf('\n', at)) {
    const space = lines.indexOf(' ', at);
    into.set(lines.slice(space + 1, end), lines.slice(at, space));
  }
  for (const row of odd) {
    const space = row.indexOf(' ');
    into.set(row.slice(space + 1), row.slice(0, space));
  }
}

/** Run a hashes-for-connector statement in `tx` and add what it returns to `into`. */
export async function readHashLines(tx: ManagedTransaction, text: string, params: Record<string, unknown>, into: Map<string, string>): Promise<void> {
  const result = await tx.run(text, { ...params, chunk: neo4j.int(HASH_LINES_CHUNK) });
  for (const record of result.records) addHashLines(into, record.get('lines') as string, record.get('odd') as string[]);
}

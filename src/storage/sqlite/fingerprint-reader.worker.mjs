// The thread FingerprintReader (fingerprint-reader.ts) reads a large sync's stored fingerprints
// in, on a read-only connection of its own, while the sync's thread fingerprints the extraction.
// Plain JavaScript: a worker thread loads its file with Node's own loader, which runs no
// TypeScript. Asked { id, tenant, connector } (tenant: the tenant's key), it answers
// { id, nodes, edges } (Float64Arrays, their buffers handed over, not copied) or { id, error },
// with `closed: true` when it could not open the file (the reader then starts another next time).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** Both kinds' fingerprints from one snapshot, as the adapter reads them; or why the file cannot be read. */
function openReader() {
  try {
    const db = new Database(workerData.filePath, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);
    db.pragma('cache_size = -65536');
    // The adapter's own statements (FINGERPRINTS_SQL): the connector indexes alone answer them, in fingerprint order.
    const nodes = db.prepare(workerData.statements.nodes).pluck();
    const edges = db.prepare(workerData.statements.edges).pluck();
    return db.transaction((tenant, connector) => [Float64Array.from(nodes.all(tenant, connector)), Float64Array.from(edges.all(tenant, connector))]);
  } catch (error) {
    return messageOf(error);
  }
}

const read = openReader();
parentPort.on('message', ({ id, tenant, connector }) => {
  if (typeof read === 'string') return parentPort.postMessage({ id, error: `${workerData.filePath}: ${read}`, closed: true });
  try {
    const [n, e] = read.deferred(tenant, connector);
    parentPort.postMessage({ id, nodes: n, edges: e }, [n.buffer, e.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: messageOf(error) });
  }
});

import { Worker } from 'node:worker_threads';
import type { FingerprintLists } from '../StorageAdapter.ts';

/** A connector's live rows' fingerprints, in index order: read here and by the worker thread (which is handed these). */
export const FINGERPRINTS_SQL = {
  nodes: 'SELECT fp FROM nodes WHERE tenant = ? AND connector = ? AND deleted = 0',
  edges: 'SELECT fp FROM edges WHERE tenant = ? AND connector = ?',
} as const;

type Answer = { id: number; nodes: Float64Array; edges: Float64Array } | { id: number; error: string; closed?: true };

/**
 * Reads a connector's stored fingerprints on a worker thread, so a large full sync's read
 * (~1 s for the 1M-node tenant's 4M rows, most of it making 4M numbers) runs while the sync's own
 * thread fingerprints the extraction (~1.5–2 s), instead of before it: better-sqlite3 blocks the
 * thread it runs on. Measured on that tenant (2 cores): read then fingerprint 2.6–3.6 s, side by
 * side 1.5–2.4 s. The worker starts on the first read and keeps its read-only connection for the
 * next; it does not keep the process alive, and close() ends it.
 */
export class FingerprintReader {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { worker: Worker; resolve: (lists: FingerprintLists) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly filePath: string,
    private readonly busyTimeoutMs: number,
  ) {}

  read(tenantKey: string, connectorId: string): Promise<FingerprintLists> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<FingerprintLists>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      // Held only while a read is in flight: an idle reader never keeps the process alive.
      worker.ref();
      worker.postMessage({ id, tenant: tenantKey, connector: connectorId });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./fingerprint-reader.worker.mjs', import.meta.url), {
      workerData: { filePath: this.filePath, busyTimeoutMs: this.busyTimeoutMs, statements: FINGERPRINTS_SQL },
    });
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (![...this.pending.values()].some((p) => p.worker === worker)) worker.unref();
      if ('closed' in answer && this.worker === worker) {
        this.worker = undefined;
        void worker.terminate();
      }
      if (!waiting) return;
      if ('error' in answer) waiting.reject(new Error(`reading stored fingerprints: ${answer.error}`));
      else waiting.resolve({ nodes: answer.nodes, edges: answer.edges });
    });
    // A worker that fails (its file unreadable, a crash) fails the reads it was given; the next read starts another.
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiting] of this.pending) {
        if (waiting.worker !== worker) continue;
        this.pending.delete(id);
        waiting.reject(error);
      }
    };
    worker.on('error', (error) => failAll(new Error(`reading stored fingerprints: ${error.message}`)));
    worker.on('exit', (code) => failAll(new Error(`the fingerprint reader thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

import neo4j from 'neo4j-driver';
import type { Driver, ManagedTransaction, QueryResult, RecordShape } from 'neo4j-driver';
import { notWorthRetrying, toStorageError } from './map-error.ts';

export interface ExecutorOptions {
  database: string;
  /** Server-side transaction timeout; a transaction that runs longer is rolled back. */
  transactionTimeoutMs?: number;
  /** Records per PULL when streaming large reads. */
  fetchSize?: number;
}

/** What a unit of work is, for the server's transaction list and query log (`dbms.listTransactions`). */
export interface WorkLabel {
  operation: string;
  tenantId?: string;
}

export type Work<T> = (tx: ManagedTransaction) => Promise<T>;

/**
 * The one place that talks to the driver (STYLE "One executor in front of the driver"): every
 * unit of work runs in a managed transaction (retried by the driver on transient errors), the
 * session is closed in `finally`, the transaction is tagged with what it does, and Neo4j errors
 * leave as StorageError.
 */
export class Executor {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly driver: Driver,
    private readonly options: ExecutorOptions,
  ) {}

  /**
   * Waits for work in flight, then closes the driver. (A driver closed under a running
   * transaction leaves that transaction's promise pending for ever.)
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.driver.close();
  }

  read<T>(label: WorkLabel, work: Work<T>): Promise<T> {
    return this.track(this.run(label, neo4j.session.READ, work));
  }

  write<T>(label: WorkLabel, work: Work<T>): Promise<T> {
    return this.track(this.run(label, neo4j.session.WRITE, work));
  }

  /**
   * An auto-commit transaction: only for statements that manage their own transactions
   * (`CALL { … } IN TRANSACTIONS`) and schema commands. Not retried.
   */
  async autoCommit<R extends RecordShape = RecordShape>(
    label: WorkLabel,
    text: string,
    params: Record<string, unknown> = {},
  ): Promise<QueryResult<R>> {
    return this.track(this.runAutoCommit<R>(label, text, params));
  }

  private async runAutoCommit<R extends RecordShape>(label: WorkLabel, text: string, params: Record<string, unknown>): Promise<QueryResult<R>> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.run<R>(text, params, this.config(label));
    } catch (error) {
      throw toStorageError(error, label.operation);
    } finally {
      await session.close();
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  private async run<T>(label: WorkLabel, mode: typeof neo4j.session.READ, work: Work<T>): Promise<T> {
    const session = this.driver.session({
      database: this.options.database,
      defaultAccessMode: mode,
      ...(this.options.fetchSize ? { fetchSize: this.options.fetchSize } : {}),
    });
    // The driver retries "transient" errors for up to 30 s; some are not worth it. Throwing a
    // non-driver error from the work ends the retries at once.
    const guarded: Work<T> = async (tx) => {
      try {
        return await work(tx);
      } catch (error) {
        throw notWorthRetrying(error) ? toStorageError(error, label.operation) : error;
      }
    };
    try {
      const config = this.config(label);
      return await (mode === neo4j.session.READ ? session.executeRead(guarded, config) : session.executeWrite(guarded, config));
    } catch (error) {
      throw toStorageError(error, label.operation);
    } finally {
      await session.close();
    }
  }

  private config(label: WorkLabel) {
    return {
      metadata: { app: 'authgraph', operation: label.operation, ...(label.tenantId ? { tenantId: label.tenantId } : {}) },
      ...(this.options.transactionTimeoutMs ? { timeout: this.options.transactionTimeoutMs } : {}),
    };
  }
}

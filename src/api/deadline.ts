import { runWithDeadline } from '../runtime/cooperative.ts';
import { timeoutError } from './errors.ts';

/**
 * One request's time limit. A single timer, cleared when the request ends (a timer per request
 * that outlived it would keep every finished request's state alive until it fired). The request's
 * end is a signal as well: the work still running under it (sibling fields of a field whose
 * non-null error ended the answer early) stops at its next checkpoint, and the heavy-query gate
 * gives the caller's slots back (heavy-work.ts).
 */
export class Deadline {
  private readonly waiting = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly end = new AbortController();
  private expired = false;
  /** Aborted when the request has ended (dispose). */
  readonly ended: AbortSignal = this.end.signal;
  /** Epoch ms at which the request times out; the work under it stops there too (runtime/cooperative.ts). */
  readonly expiresAt: number;

  constructor(readonly ms: number) {
    this.expiresAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.expired = true;
      for (const fail of this.waiting) fail();
      this.waiting.clear();
    }, ms);
    this.timer.unref();
  }

  /**
   * The operation's result, or TIMEOUT if the deadline passes first. The operation runs under the
   * same deadline (runWithDeadline), so its loops yield to other requests and stop at TIMEOUT.
   */
  race<T>(operation: () => Promise<T>): Promise<T> {
    if (this.expired) return Promise.reject(timeoutError(this.ms));
    return new Promise<T>((resolve, reject) => {
      const fail = () => reject(timeoutError(this.ms));
      this.waiting.add(fail);
      runWithDeadline(this.ms, operation, this.expiresAt, this.ended)
        .then(resolve, reject)
        .finally(() => this.waiting.delete(fail));
    });
  }

  /** The request has ended: its answer is out, or it gave up. */
  dispose(): void {
    clearTimeout(this.timer);
    this.waiting.clear();
    this.end.abort();
  }
}

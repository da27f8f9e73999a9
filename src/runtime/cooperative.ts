import { AsyncLocalStorage } from 'node:async_hooks';

// Long computations (drift, chains, evidence packs, path expansion, large listings) run on the one
// event loop every request shares. They call checkpoint() in their loops: inside a request it
// gives the loop back every few milliseconds (so /healthz and other tenants' requests answer) and
// stops the work once the request's deadline has passed (so a TIMEOUT really ends the work instead
// of leaving it to run on unseen). Outside a request (the CLI) it costs nothing.
// The deadline travels in AsyncLocalStorage, so storage and analysis code need no extra parameter.

/** How long a computation may hold the event loop before it yields. */
const SLICE_MS = 5;

interface WorkDeadline {
  /** Epoch ms after which the work is abandoned. */
  expiresAt: number;
  ms: number;
  /** When the work last gave the loop back. */
  lastYield: number;
  /** Aborted when the work's request has ended (answered early): nobody waits for the work any more. */
  ended?: AbortSignal;
}

const current = new AsyncLocalStorage<WorkDeadline>();

/** The work went past its request's deadline; the API answers TIMEOUT. */
export class DeadlineExceededError extends Error {
  override readonly name: string = 'DeadlineExceededError';
  constructor(readonly ms: number) {
    super(`the work did not finish within ${ms} ms`);
  }
}

/**
 * The work's request ended before the work did (a sibling field failed and the answer went out):
 * the work stops at its next checkpoint, as at its deadline, and its result would be dropped.
 */
export class WorkAbandonedError extends DeadlineExceededError {
  override readonly name = 'WorkAbandonedError';
}

/**
 * Runs `work` under a deadline `ms` from now (inherited by everything it awaits); when `ended`
 * aborts, the work stops at its next checkpoint too.
 */
export function runWithDeadline<T>(ms: number, work: () => Promise<T>, expiresAt = Date.now() + ms, ended?: AbortSignal): Promise<T> {
  return current.run({ expiresAt, ms, lastYield: performance.now(), ...(ended ? { ended } : {}) }, work);
}

/**
 * Runs `work` under the current deadline but not its request's end: for a computation other
 * requests share (api/shared-results.ts), which must not stop because its first caller went away.
 */
export function runBeyondRequest<T>(work: () => Promise<T>): Promise<T> {
  const d = current.getStore();
  return d ? current.run({ expiresAt: d.expiresAt, ms: d.ms, lastYield: d.lastYield }, work) : work();
}

/** Throws when the current work's deadline has passed or its request has ended; for synchronous loops that cannot yield. */
export function assertWithinDeadline(): void {
  const d = current.getStore();
  if (!d) return;
  if (d.ended?.aborted) throw new WorkAbandonedError(d.ms);
  if (Date.now() >= d.expiresAt) throw new DeadlineExceededError(d.ms);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Call often in long loops (`await checkpoint()`): returns at once most of the time, yields to the
 * event loop once the current slice is used up, and rejects past the deadline.
 */
export function checkpoint(): Promise<void> | undefined {
  const d = current.getStore();
  if (!d) return undefined;
  // Work nobody waits for stops at once, not at the end of its slice.
  if (d.ended?.aborted) return Promise.reject(new WorkAbandonedError(d.ms));
  const now = performance.now();
  if (now - d.lastYield < SLICE_MS) return undefined;
  assertWithinDeadline();
  return nextTurn().then(() => {
    d.lastYield = performance.now();
    assertWithinDeadline();
  });
}

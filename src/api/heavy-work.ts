import { WorkAbandonedError } from '../runtime/cooperative.ts';
import type { Deadline } from './deadline.ts';
import { ApiError } from './errors.ts';

/**
 * A concurrency cap for the expensive fields (drift, evidencePack, executionChains, paths, posture): at
 * most `total` run at once on this server, at most `perKey` for one API key. A key over its share
 * is refused at once (RATE_LIMITED); a request that finds the server full waits its turn, within
 * its own deadline, so one caller's burst cannot hold every slot while others starve.
 *
 * A key's slot is its own only while its request is open: when the request ends first (a sibling
 * field's non-null error sent the answer early), the key gets the slot back at once, and the work
 * left behind stops at its next checkpoint (deadline.ts), releasing its server slot when it does.
 */
export class HeavyWorkGate {
  private running = 0;
  private readonly perKeyRunning = new Map<string, number>();
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly total: number,
    readonly perKey: number,
  ) {}

  async run<T>(keyId: string, deadline: Deadline, work: () => Promise<T>): Promise<T> {
    if (deadline.ended.aborted) throw new WorkAbandonedError(deadline.ms);
    const mine = this.perKeyRunning.get(keyId) ?? 0;
    if (mine >= this.perKey) {
      throw new ApiError('RATE_LIMITED', `this API key already runs ${mine} expensive queries (drift, evidencePack, executionChains, paths, posture); the limit is ${this.perKey} at once`);
    }
    this.perKeyRunning.set(keyId, mine + 1);
    let keyHeld = true;
    const releaseKey = () => {
      if (!keyHeld) return;
      keyHeld = false;
      const left = (this.perKeyRunning.get(keyId) ?? 1) - 1;
      if (left > 0) this.perKeyRunning.set(keyId, left);
      else this.perKeyRunning.delete(keyId);
    };
    deadline.ended.addEventListener('abort', releaseKey, { once: true });
    try {
      await this.acquire(deadline);
      try {
        return await work();
      } finally {
        this.release();
      }
    } finally {
      deadline.ended.removeEventListener('abort', releaseKey);
      releaseKey();
    }
  }

  private acquire(deadline: Deadline): Promise<void> {
    if (this.running < this.total) {
      this.running += 1;
      return Promise.resolve();
    }
    let granted: (() => void) | undefined;
    const turn = new Promise<void>((resolve) => {
      granted = () => {
        this.running += 1;
        resolve();
      };
      this.queue.push(granted);
    });
    return deadline.race(() => turn).catch((error: unknown) => {
      // Timed out while waiting: leave the queue; if the slot was granted meanwhile, give it back.
      const at = this.queue.indexOf(granted!);
      if (at >= 0) this.queue.splice(at, 1);
      else this.release();
      throw error;
    });
  }

  private release(): void {
    this.running -= 1;
    this.queue.shift()?.();
  }
}

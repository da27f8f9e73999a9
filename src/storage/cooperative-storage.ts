import { checkpoint } from '../runtime/cooperative.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

/**
 * The same storage, with a checkpoint before every call: an analysis that reads storage in a loop
 * (drift, chains, evidence packs, ownership) gives the event loop back between reads and stops at
 * its request's deadline, without each analysis threading a deadline through its signatures.
 */
export function cooperativeStorage(storage: StorageAdapter): StorageAdapter {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'close') return value;
      return async (...args: unknown[]) => {
        await checkpoint();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

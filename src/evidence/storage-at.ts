import type { NormalizedEdge } from '../model/index.ts';
import type { ReadAt, StorageAdapter } from '../storage/StorageAdapter.ts';

/** Read methods that take a ReadAt, and its argument position. */
const READ_AT_ARGUMENT: Partial<Record<keyof StorageAdapter, number>> = {
  getNode: 2,
  getNodes: 2,
  getNodesByType: 2,
  getEdgesForNode: 3,
  queryPaths: 2,
  listNodes: 2,
};

const byEdgeId = (a: NormalizedEdge, b: NormalizedEdge) => (a.edgeId < b.edgeId ? -1 : a.edgeId > b.edgeId ? 1 : 0);

/**
 * The store as it stood at `asOf`, for analysis code that reads without a ReadAt of its own
 * (findExecutionChains, ownershipOf): every read that takes one gets `{ asOf }` unless the caller
 * passed one. Edge lists come back ordered by edge id, so what is derived from them (owners,
 * signals) doesn't depend on the adapter's order. Only for reading.
 */
export function storageAt(storage: StorageAdapter, asOf: string | undefined): StorageAdapter {
  const at: ReadAt | undefined = asOf === undefined ? undefined : { asOf };
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const position = READ_AT_ARGUMENT[prop as keyof StorageAdapter];
      if (position === undefined) return method.bind(target);
      return async (...args: unknown[]) => {
        const call = [...args];
        while (call.length < position) call.push(undefined);
        if (at && call[position] === undefined) call[position] = at;
        const result = await method.apply(target, call);
        return prop === 'getEdgesForNode' ? [...(result as NormalizedEdge[])].sort(byEdgeId) : result;
      };
    },
  });
}

import DataLoader from 'dataloader';
import type { NormalizedEdge, NormalizedNode } from '../model/index.ts';
import type { EdgeDirection } from '../storage/StorageAdapter.ts';
import type { TenantScope } from './tenant-scope.ts';

export interface Loaders {
  /** Nodes by id (tombstones included): one getNodes call per tick, whatever asks. */
  node: DataLoader<string, NormalizedNode | null>;
  /** Edges at a node, keyed `direction nodeId`. */
  edges: DataLoader<string, NormalizedEdge[]>;
  /** Seed the node cache with nodes a query already returned (chains, paths, pages). */
  prime(nodes: Iterable<NormalizedNode>): void;
}

export const edgeKey = (nodeId: string, direction: EdgeDirection) => `${direction} ${nodeId}`;

/**
 * One set per request, so nothing cached outlives the request or crosses tenants. The
 * StorageAdapter reads edges one node at a time, so an edge batch runs its reads side by side;
 * the cache still makes each node's edges one read per request, however many hops share it.
 */
export function createLoaders(scope: TenantScope): Loaders {
  const node = new DataLoader<string, NormalizedNode | null>((ids) => scope.getNodes(ids), { maxBatchSize: 500 });
  const edges = new DataLoader<string, NormalizedEdge[]>((keys) =>
    Promise.all(
      keys.map((key) => {
        const space = key.indexOf(' ');
        return scope.getEdgesForNode(key.slice(space + 1), key.slice(0, space) as EdgeDirection);
      }),
    ),
  );
  return {
    node,
    edges,
    prime(nodes) {
      for (const n of nodes) node.prime(n.nodeId, n);
    },
  };
}

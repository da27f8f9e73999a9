import { INBOUND_EDGE_TYPE } from '../model/index.ts';
import type { ExecutionPath } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { readAt, reversePath } from './execution-chains.ts';
import type { ChainQuery } from './execution-chains.ts';

/**
 * Inbound cross-system chains: a workload identity of one system (an Entra app, which holds its
 * own credential and runs by itself) AUTHENTICATES_TO an identity of another (the ServiceNow user
 * its OAuth client registration runs as). The target's roles are what the chain can do.
 * Automations start none of these, so a `from` query finds none.
 */
export async function findInboundPaths(storage: StorageAdapter, tenantId: string, query: ChainQuery): Promise<ExecutionPath[]> {
  if (query.from) return [];
  const at = readAt(query);
  const search = { traverseEdgeTypes: [INBOUND_EDGE_TYPE], maxDepth: 1, limit: 5_000, endNodeType: 'identity' as const };
  const paths = query.to
    ? (await storage.queryPaths(tenantId, { ...search, startNodeId: query.to, startNodeType: 'identity', direction: 'incoming' }, at)).map(reversePath)
    : await storage.queryPaths(tenantId, { ...search, startNodeType: 'identity' }, at);
  return paths.filter((p) => p.startNode.sourceSystem !== p.endNode.sourceSystem);
}

import type { EventQueryInput, NodeType, PathQueryInput } from '../model/index.ts';
import type { EdgeDirection, NodePageQuery, ReadAt, StorageAdapter } from '../storage/StorageAdapter.ts';
import { runBeyondRequest } from '../runtime/cooperative.ts';
import { cooperativeStorage } from '../storage/cooperative-storage.ts';
import type { Deadline } from './deadline.ts';
import type { SharedResults } from './shared-results.ts';

/**
 * The storage a request may use: the caller's tenant is fixed here, from the API key, so no
 * resolver passes a tenant id and none can name another tenant's. Every call also races the
 * request's deadline: past it, the call rejects with TIMEOUT and the result is dropped.
 */
export class TenantScope {
  private readonly storage: StorageAdapter;

  constructor(
    storage: StorageAdapter,
    readonly tenantId: string,
    private readonly deadline: Deadline,
    private readonly results?: { cache: SharedResults },
  ) {
    // Every read checks the deadline and yields between calls (runtime/cooperative.ts).
    this.storage = cooperativeStorage(storage);
  }

  getNodes(nodeIds: readonly string[]) {
    return this.guard(() => this.storage.getNodes(this.tenantId, nodeIds));
  }
  listNodes(query: NodePageQuery, at?: ReadAt) {
    return this.guard(() => this.storage.listNodes(this.tenantId, query, at));
  }
  getNodesByType(nodeType: NodeType) {
    return this.guard(() => this.storage.getNodesByType(this.tenantId, nodeType));
  }
  getEdgesForNode(nodeId: string, direction: EdgeDirection) {
    return this.guard(() => this.storage.getEdgesForNode(this.tenantId, nodeId, direction));
  }
  queryPaths(query: PathQueryInput) {
    return this.guard(() => this.storage.queryPaths(this.tenantId, query));
  }
  queryEventPage(query: EventQueryInput) {
    return this.guard(() => this.storage.queryEventPage(this.tenantId, query));
  }
  listSyncStates(options: { connectorId?: string; limit?: number }) {
    return this.guard(() => this.storage.listSyncStates(this.tenantId, options));
  }

  /** For analysis functions that take (storage, tenantId): the whole call runs under the deadline. */
  analyse<T>(fn: (storage: StorageAdapter, tenantId: string) => Promise<T>): Promise<T> {
    return this.guard(() => fn(this.storage, this.tenantId));
  }

  /**
   * Like analyse, for answers worth sharing: identical concurrent requests compute once, and the
   * answer is kept while the tenant's data is unchanged (see shared-results.ts). The key must name
   * everything the answer depends on except the tenant, which is added here.
   */
  shared<T>(key: string, fn: (storage: StorageAdapter, tenantId: string) => Promise<T>): Promise<T> {
    if (!this.results) return this.analyse(fn);
    const { cache } = this.results;
    // Each request waits under its own deadline; the shared computation runs to its end, even
    // when the request that started it has ended (others may be waiting for it).
    return this.guard(async () =>
      cache.get(`${this.tenantId}\u0000${key}`, await this.storage.dataVersion(this.tenantId), () => runBeyondRequest(() => fn(this.storage, this.tenantId))),
    );
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return this.deadline.race(operation);
  }
}

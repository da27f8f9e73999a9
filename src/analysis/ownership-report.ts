import { deriveOwnership } from '../resolve/ownership.ts';
import type { OwnershipVerdict } from '../resolve/ownership.ts';
import type { NormalizedNode } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

export interface OwnershipReport extends OwnershipVerdict {
  node: NormalizedNode;
}

/** The reads an ownership verdict makes: a StorageAdapter, or a caller's cache in front of one (drift reads each node once per moment). */
export type OwnershipReads = Pick<StorageAdapter, 'getNode' | 'getNodes' | 'getEdgesForNode'>;

/** The ownership verdict for one stored node, read through the StorageAdapter. */
export async function ownershipOf(storage: OwnershipReads, tenantId: string, nodeId: string, asOf?: string): Promise<OwnershipReport | null> {
  // As of a past moment, both the edges and "who was still active" are judged at that moment.
  const at = asOf ? { asOf } : undefined;
  const node = await storage.getNode(tenantId, nodeId, at);
  if (!node) return null;
  const edges = (await storage.getEdgesForNode(tenantId, nodeId, 'outgoing', at)).filter((e) =>
    ['OWNED_BY', 'APPROVED_BY', 'CREATED_BY'].includes(e.edgeType),
  );
  const peopleIds = [...new Set(edges.map((e) => e.targetNodeId))];
  const parentEdges = (
    await Promise.all(peopleIds.map((id) => storage.getEdgesForNode(tenantId, id, 'outgoing', at)))
  ).flat().filter((e) => e.edgeType === 'BELONGS_TO');
  const allIds = [...new Set([...peopleIds, ...parentEdges.map((e) => e.targetNodeId)])];
  const people = new Map<string, NormalizedNode>();
  (await storage.getNodes(tenantId, allIds, at)).forEach((n) => n && people.set(n.nodeId, n));
  return { node, ...deriveOwnership({ edges, people, parents: parentEdges, ...(asOf ? { asOf } : {}) }) };
}

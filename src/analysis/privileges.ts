import type { NormalizedNode } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

export interface PrivilegeSummary {
  privilegedRoles: NormalizedNode[];
  /** Permissions granting admin or delegate, directly or through a role. */
  powerfulPermissions: NormalizedNode[];
}

const POWERFUL = new Set(['admin', 'delegate']);

/** What makes an identity dangerous to run as: privileged roles and admin/delegate permissions. */
export async function privilegesOf(storage: StorageAdapter, tenantId: string, identityId: string): Promise<PrivilegeSummary> {
  const paths = await storage.queryPaths(tenantId, {
    startNodeId: identityId,
    traverseEdgeTypes: ['HAS_ROLE', 'MEMBER_OF', 'GRANTS'],
    maxDepth: 2,
  });
  const seen = new Map<string, NormalizedNode>();
  for (const p of paths) seen.set(p.endNode.nodeId, p.endNode);
  const nodes = [...seen.values()];
  return {
    privilegedRoles: nodes.filter((n) => n.nodeType === 'role' && n.properties.isPrivileged),
    powerfulPermissions: nodes.filter((n) => n.nodeType === 'permission' && POWERFUL.has(n.properties.normalizedAction)),
  };
}

import { findExecutionChains } from '../../analysis/execution-chains.ts';
import { ownershipOf } from '../../analysis/ownership-report.ts';
import { privilegesOf } from '../../analysis/privileges.ts';
import { NODE_TYPES } from '../../model/index.ts';
import type { StorageAdapter } from '../../storage/StorageAdapter.ts';
import { formatChain, formatOwnership } from '../format.ts';

/** The tenant at a glance: what is stored, every execution chain, and who each chain runs as. */
export async function printTenantSummary(storage: StorageAdapter, tenantId: string, out: (s: string) => void): Promise<number> {
  const counts: string[] = [];
  for (const type of NODE_TYPES) {
    const n = (await storage.getNodesByType(tenantId, type)).length;
    if (n) counts.push(`${n} ${type}`);
  }
  out(`tenant ${tenantId}: ${counts.join(', ')}`);
  const chains = await findExecutionChains(storage, tenantId, {});
  out(`\n${chains.length} execution chain(s):\n`);
  chains.forEach((c, i) => out(`chain ${i + 1} (${c.depth} hops):\n${formatChain(c)}\n`));
  const identities = [...new Map(chains.map((c) => [c.endNode.nodeId, c.endNode])).values()];
  if (identities.length) out('identities these chains run as:\n');
  for (const identity of identities) {
    const ownership = await ownershipOf(storage, tenantId, identity.nodeId);
    if (ownership) out(formatOwnership(ownership));
    const { privilegedRoles, powerfulPermissions } = await privilegesOf(storage, tenantId, identity.nodeId);
    for (const r of privilegedRoles) out(`  privileged role: ${r.displayName}`);
    for (const p of powerfulPermissions) {
      if (p.nodeType === 'permission') out(`  permission: ${p.displayName} (${p.properties.normalizedAction} on ${p.properties.scope})`);
    }
    out('');
  }
  return chains.length;
}

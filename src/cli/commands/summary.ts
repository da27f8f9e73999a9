import { findChainVerdicts } from '../../analysis/chain-verdicts.ts';
import { ownershipOf } from '../../analysis/ownership-report.ts';
import { privilegesOf } from '../../analysis/privileges.ts';
import { EXECUTION_CHAIN_KINDS, NODE_TYPES } from '../../model/index.ts';
import type { StorageAdapter } from '../../storage/StorageAdapter.ts';
import { formatOwnership, formatPermission, formatVerdict } from '../format.ts';

/**
 * The tenant at a glance: what is stored, every chain verdict (execution chains, then the partial
 * chains and latent paths an analyst must not miss), and who the complete chains run as.
 */
export async function printTenantSummary(storage: StorageAdapter, tenantId: string, out: (s: string) => void): Promise<number> {
  const counts: string[] = [];
  for (const type of NODE_TYPES) {
    const n = (await storage.getNodesByType(tenantId, type)).length;
    if (n) counts.push(`${n} ${type}`);
  }
  out(`tenant ${tenantId}: ${counts.join(', ')}`);
  const verdicts = await findChainVerdicts(storage, tenantId, {});
  const complete = verdicts.filter((v) => EXECUTION_CHAIN_KINDS.includes(v.kind));
  const short = verdicts.filter((v) => v.stop);
  const latent = verdicts.filter((v) => v.kind === 'latent' && !v.stop);
  out(`\n${complete.length} execution chain(s):\n`);
  complete.forEach((v, i) => out(`chain ${i + 1}: ${formatVerdict(v)}\n`));
  if (short.length) {
    out(`${short.length} chain(s) stopping short of an identity (partial: where and why they stop):\n`);
    short.forEach((v, i) => out(`partial ${i + 1}: ${formatVerdict(v)}\n`));
  }
  if (latent.length) {
    out(`${latent.length} latent path(s) (library code nothing calls: the capability is there, nothing runs it):\n`);
    latent.forEach((v, i) => out(`latent ${i + 1}: ${formatVerdict(v)}\n`));
  }
  const identities = [...new Map(complete.map((v) => [v.path.endNode.nodeId, v.path.endNode])).values()];
  if (identities.length) out('identities these chains run as:\n');
  for (const identity of identities) {
    const ownership = await ownershipOf(storage, tenantId, identity.nodeId);
    if (ownership) out(formatOwnership(ownership));
    const { privilegedRoles, powerfulPermissions } = await privilegesOf(storage, tenantId, identity.nodeId);
    for (const r of privilegedRoles) out(`  privileged role: ${r.displayName}`);
    for (const p of powerfulPermissions) out(`  permission: ${formatPermission(p)}`);
    out('');
  }
  return verdicts.length;
}

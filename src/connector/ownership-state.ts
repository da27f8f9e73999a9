import { deriveOwnershipInGraph } from '../resolve/ownership.ts';
import type { NormalizedEdge, NormalizedNode } from '../model/index.ts';

// Sets properties.ownershipState on identities and automations from the ownership edges a
// connector emitted, with the shared rules of src/resolve/ownership.ts. `asOf` is the extraction
// time, so a replayed recording gives the same verdict whenever it runs.
export function applyOwnershipStates(nodes: NormalizedNode[], edges: readonly NormalizedEdge[], asOf: string): void {
  const verdictOf = deriveOwnershipInGraph(nodes, edges, asOf);
  for (const node of nodes) {
    if (node.nodeType !== 'identity' && node.nodeType !== 'automation') continue;
    const verdict = verdictOf(node.nodeId);
    node.properties.ownershipState = verdict.state;
    const inactive = verdict.owners.filter((o) => !o.active).map((o) => `${o.displayName}: ${o.inactiveReason ?? 'inactive'}`);
    if (inactive.length) node.properties.inactiveOwners = inactive;
  }
}

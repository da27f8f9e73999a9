import type { DiffResult, ExecutionPath, NormalizedNode } from '../model/index.ts';
import type { ChainVerdict } from '../analysis/chain-verdicts.ts';
import { verdictId } from '../analysis/chain-verdicts.ts';
import type { OwnershipReport } from '../analysis/ownership-report.ts';
import { actionLabel } from '../resolve/permission-action.ts';

// Plain-text rendering for the terminal. Kept apart from the commands so every command prints
// chains, counts and verdicts the same way.

const SUBTYPE_KEYS = ['automationSubtype', 'identitySubtype', 'connectionSubtype', 'credentialSubtype', 'roleSubtype', 'resourceSubtype'];

export function describeNode(node: NormalizedNode): string {
  const props = node.properties as Record<string, unknown>;
  const subtype = SUBTYPE_KEYS.map((k) => props[k]).find((v) => typeof v === 'string') as string | undefined;
  const kind = (subtype ?? node.nodeType).replaceAll('_', ' ');
  // A disabled automation or expired credential on a chain changes the verdict: say so.
  return `${kind} "${node.displayName}" [${node.sourceSystem}]${node.status === 'active' ? '' : ` (${node.status})`}`;
}

export function formatChain(path: ExecutionPath): string {
  const parts = [describeNode(path.nodes[0]!)];
  path.edges.forEach((edge, i) => parts.push(`  ─${edge.edgeType}→ ${describeNode(path.nodes[i + 1]!)}`));
  return parts.join('\n');
}

const KIND_TITLES: Record<ChainVerdict['kind'], string> = {
  authenticates_as: 'execution chain',
  runs_as: 'execution chain (runs as)',
  inbound_oauth: 'inbound OAuth chain',
  partial: 'PARTIAL chain',
  latent: 'LATENT path (library code nothing calls)',
};

/** A chain verdict: its kind, its hops and, when it stops short, where and why. */
export function formatVerdict(v: ChainVerdict): string {
  const lines = [`${KIND_TITLES[v.kind]}, ${v.path.depth} hop(s), ${verdictId(v)}`, formatChain(v.path)];
  if (v.stop) {
    lines.push(`  ✗ ${v.stop.reason}: ${v.stop.detail}`);
    if (v.stop.searched) lines.push(`    searched: ${v.stop.searched.field} ${v.stop.searched.value ?? '(none)'} against ${v.stop.searched.against} of ${v.stop.searched.candidates} identit${v.stop.searched.candidates === 1 ? 'y' : 'ies'}${v.stop.searched.scopes.length ? ` in ${v.stop.searched.scopes.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

/** "Directory.ReadWrite.All (admin on directory)"; a guessed action says so. */
export function formatPermission(node: NormalizedNode): string {
  if (node.nodeType !== 'permission') return node.displayName;
  return `${node.displayName} (${actionLabel(node.properties)} on ${node.properties.scope})`;
}

export function formatDiffCounts(result: DiffResult): string {
  const lines = [
    `nodes: +${result.nodesCreated} created, ~${result.nodesUpdated} updated, -${result.nodesDeleted} deleted`,
    `edges: +${result.edgesCreated} added, ~${result.edgesUpdated} replaced, -${result.edgesRemoved} removed`,
    `events: ${result.events.length}; to evaluate: ${result.entitiesToEvaluate.length}`,
  ];
  if (result.deletionsWithheld.length) lines.push(`deletions withheld: ${result.deletionsWithheld.join(', ')}`);
  return lines.join('\n');
}

export function formatOwnership(report: OwnershipReport): string {
  const lines = [`${describeNode(report.node)}: ${report.state.toUpperCase()}`];
  for (const o of report.owners) {
    lines.push(`  ${o.via} ${o.displayName}${o.active ? ' (active)' : ` (${o.inactiveReason})`}`);
  }
  for (const s of report.signals) lines.push(`  · ${s.detail}`);
  return lines.join('\n');
}

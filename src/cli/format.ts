import type { DiffResult, ExecutionPath, NormalizedNode } from '../model/index.ts';
import type { OwnershipReport } from '../analysis/ownership-report.ts';

// Plain-text rendering for the terminal. Kept apart from the commands so every command prints
// chains, counts and verdicts the same way.

const SUBTYPE_KEYS = ['automationSubtype', 'identitySubtype', 'connectionSubtype', 'credentialSubtype', 'roleSubtype', 'resourceSubtype'];

export function describeNode(node: NormalizedNode): string {
  const props = node.properties as Record<string, unknown>;
  const subtype = SUBTYPE_KEYS.map((k) => props[k]).find((v) => typeof v === 'string') as string | undefined;
  const kind = (subtype ?? node.nodeType).replaceAll('_', ' ');
  return `${kind} "${node.displayName}" [${node.sourceSystem}]`;
}

export function formatChain(path: ExecutionPath): string {
  const parts = [describeNode(path.nodes[0]!)];
  path.edges.forEach((edge, i) => parts.push(`  ─${edge.edgeType}→ ${describeNode(path.nodes[i + 1]!)}`));
  return parts.join('\n');
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

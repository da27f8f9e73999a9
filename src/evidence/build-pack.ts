import { findChainVerdicts, verdictId } from '../analysis/chain-verdicts.ts';
import type { ChainVerdict } from '../analysis/chain-verdicts.ts';
import { DEFAULT_CHAIN_DEPTH } from '../analysis/execution-chains.ts';
import { ownershipOf } from '../analysis/ownership-report.ts';
import { MAX_PATHS, canonicalJson, findSecretPaths, redactSecrets } from '../model/index.ts';
import type { NormalizedEdge, NormalizedNode, SyncState } from '../model/index.ts';
import { UnknownAsOfError, resolveAsOf } from '../storage/as-of.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { actionLabel } from '../resolve/permission-action.ts';
import { EvidencePackError } from './errors.ts';
import { PACK_FORMAT } from './pack.ts';
import type { EvidencePack, PackChain, PackGrant, PackHistory, PackOwnership, PackPrivileges, PackSubject, PackTime } from './pack.ts';
import { completenessOf, connectorsOf, historyOf, syncRecordsOf, syncTime, syncsUntil } from './pack-records.ts';
import { storageAt } from './storage-at.ts';

export type PackTarget = { chainId: string } | { identityId: string };

export interface BuildPackOptions {
  /** An ISO timestamp or a sync id (see resolveAsOf); absent: the current graph. */
  asOf?: string;
  maxDepth?: number;
}

const POWERFUL_ACTIONS = new Set(['admin', 'delegate']);
/** Before any sync record or event exists there is no moment to judge dates against. */
const NO_TIME = '1970-01-01T00:00:00.000Z';

const asOf = (resolved: string | undefined) => (resolved ? { asOf: resolved } : {});
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Build the evidence pack of one chain (by chainId) or of every chain ending at an identity, as
 * the graph stood at `asOf`. Every read passes the moment through (storageAt), and nothing in the
 * result depends on the wall clock or on the adapter's ordering: the same state and arguments give
 * the same pack. Secret-named fields are redacted, and the result is scanned to prove it.
 */
export async function buildEvidencePack(
  storage: StorageAdapter,
  tenantId: string,
  target: PackTarget,
  options: BuildPackOptions = {},
): Promise<EvidencePack> {
  let resolved: string | undefined;
  try {
    resolved = await resolveAsOf(storage, tenantId, options.asOf);
  } catch (error) {
    if (error instanceof UnknownAsOfError) throw new EvidencePackError('BAD_INPUT', error.message);
    throw error;
  }
  const view = storageAt(storage, resolved);
  const syncs = await syncsUntil(storage, tenantId, resolved);

  const { subject, chains, subjectNode } = await selectChains(view, tenantId, target, resolved, options.maxDepth ?? DEFAULT_CHAIN_DEPTH);
  const nodes = uniqueNodes([...chains.flatMap((c) => c.path.nodes), ...(subjectNode ? [subjectNode] : [])]);
  const chainEdgeIds = new Set(chains.flatMap((c) => c.path.edges.map((e) => e.edgeId)));

  const history = await historyOf(storage, tenantId, nodes.map((n) => n.nodeId), resolved);
  const time = packTime(options.asOf, resolved, syncs, history);
  const judgedAt = time.effectiveAt ?? NO_TIME;

  const connectorIds = connectorsOf(nodes, chainEdgeIds, history, syncs);
  const evidenceCompleteness = completenessOf(connectorIds, syncs);
  const accountable = nodes.filter((n) => n.nodeType === 'identity' || n.nodeType === 'automation');
  const identities = nodes.filter((n) => n.nodeType === 'identity');

  const [packChains, ownership, privileges] = await Promise.all([
    Promise.all(chains.map((c) => packChain(view, tenantId, c))),
    Promise.all(accountable.map((n) => ownershipEntry(view, tenantId, n, judgedAt))),
    Promise.all(identities.map((n) => privilegesOf(view, tenantId, n.nodeId))),
  ]);

  const pack: EvidencePack = redactSecrets({
    format: PACK_FORMAT,
    tenantId,
    subject,
    time,
    chains: packChains,
    nodes,
    ownership,
    privileges,
    evidenceCompleteness,
    history,
    syncs: syncRecordsOf(connectorIds, evidenceCompleteness, history, syncs),
  });
  assertNoSecrets(pack);
  // Canonical key order everywhere (and undefined dropped): the API answer, pack.json and the
  // report all see one shape whatever order the adapter returned properties in.
  return JSON.parse(canonicalJson(pack)) as EvidencePack;
}

/** Every secret-named field with a value fails the build: a pack must never carry one. */
export function assertNoSecrets(value: unknown): void {
  const paths = findSecretPaths(value);
  if (paths.length) throw new Error(`evidence pack would carry secret-named fields: ${paths.map((p) => p.join('.')).join(', ')}`);
}

async function selectChains(
  view: StorageAdapter,
  tenantId: string,
  target: PackTarget,
  resolved: string | undefined,
  maxDepth: number,
): Promise<{ subject: PackSubject; chains: ChainVerdict[]; subjectNode?: NormalizedNode }> {
  const when = resolved ? ` as of ${resolved}` : '';
  if ('chainId' in target) {
    // A chain id is a hash of its edges: find it among every (maximal) chain verdict of the tenant,
    // partial chains and latent paths included.
    const all = await findChainVerdicts(view, tenantId, { maxDepth, limit: MAX_PATHS, ...asOf(resolved) });
    const chain = all.find((c) => verdictId(c) === target.chainId);
    if (!chain) {
      throw new EvidencePackError(
        'NOT_FOUND',
        `no execution chain ${target.chainId} in tenant ${tenantId}${when} (chain ids are listed by \`authgraph paths\` and the API's executionChains)`,
      );
    }
    return { subject: { kind: 'chain', chainId: target.chainId }, chains: [chain] };
  }
  const node = await view.getNode(tenantId, target.identityId);
  if (!node) throw new EvidencePackError('NOT_FOUND', `no node ${target.identityId} in tenant ${tenantId}${when}`);
  if (node.nodeType !== 'identity') {
    throw new EvidencePackError('BAD_INPUT', `${target.identityId} is a ${node.nodeType}, not an identity`);
  }
  // Every chain ending at the identity: execution chains, latent paths and inbound OAuth.
  const chains = await findChainVerdicts(view, tenantId, { to: target.identityId, maxDepth, limit: MAX_PATHS, ...asOf(resolved) });
  return { subject: { kind: 'identity', identityId: target.identityId }, chains, subjectNode: node };
}

function uniqueNodes(nodes: readonly NormalizedNode[]): NormalizedNode[] {
  const seen = new Map<string, NormalizedNode>();
  for (const n of nodes) if (!seen.has(n.nodeId)) seen.set(n.nodeId, n);
  return [...seen.values()];
}

function packTime(requested: string | undefined, resolved: string | undefined, syncs: readonly SyncState[], history: readonly PackHistory[]): PackTime {
  const base = { requested: requested ?? null, resolved: resolved ?? null };
  if (resolved) return { ...base, effectiveAt: resolved, basis: 'as_of' };
  const latestSync = syncs.at(-1);
  if (latestSync) return { ...base, effectiveAt: syncTime(latestSync), basis: 'latest_sync' };
  const times = history.flatMap((h) => h.events.map((e) => e.timestamp)).sort((a, b) => Date.parse(a) - Date.parse(b) || cmp(a, b));
  const latestEvent = times.at(-1);
  return latestEvent ? { ...base, effectiveAt: latestEvent, basis: 'latest_event' } : { ...base, effectiveAt: null, basis: 'none' };
}

async function packChain(view: StorageAdapter, tenantId: string, verdict: ChainVerdict): Promise<PackChain> {
  const chain = verdict.path;
  const hops = await Promise.all(
    chain.edges.map(async (edge, position) => {
      const from = chain.nodes[position]!;
      const to = chain.nodes[position + 1]!;
      return {
        position,
        fromNodeId: from.nodeId,
        toNodeId: to.nodeId,
        edge,
        evidence: {
          sourceEvidence: edge.properties.sourceEvidence ?? null,
          evidenceReferences: edge.properties.evidenceReferences ?? null,
          provenance: edge.properties.provenance ?? null,
          crossSystemLink: edge.edgeType === 'AUTHENTICATES_AS' ? await crossSystemLink(view, tenantId, edge) : null,
        },
      };
    }),
  );
  return {
    chainId: verdictId(verdict),
    kind: verdict.kind,
    depth: chain.depth,
    entryPoint: verdict.entryPoint,
    startNodeId: chain.startNode.nodeId,
    automationId: chain.startNode.nodeType === 'automation' ? chain.startNode.nodeId : null,
    identityId: verdict.stop === null && chain.endNode.nodeType === 'identity' ? chain.endNode.nodeId : null,
    stop: verdict.stop,
    nodeIds: chain.nodes.map((n) => n.nodeId),
    hops,
  };
}

/** A guessed action is never shown as a fact: "normalizedAction: unmapped — assumed admin". */
const permissionDetail = (p: { normalizedAction: string }) => `normalizedAction: ${actionLabel(p)}`;

/** Seed 003: AUTHENTICATES_AS is structural; the proof sits on the AUTHENTICATES_TO edge beside it. */
async function crossSystemLink(view: StorageAdapter, tenantId: string, edge: NormalizedEdge): Promise<NormalizedEdge | null> {
  const edges = await view.getEdgesForNode(tenantId, edge.sourceNodeId, 'outgoing');
  return edges.find((e) => e.edgeType === 'AUTHENTICATES_TO' && e.targetNodeId === edge.targetNodeId) ?? null;
}

async function ownershipEntry(view: StorageAdapter, tenantId: string, node: NormalizedNode, judgedAt: string): Promise<PackOwnership> {
  const report = await ownershipOf(view, tenantId, node.nodeId, judgedAt);
  const recorded = (node.properties as { ownershipState?: unknown }).ownershipState;
  return {
    nodeId: node.nodeId,
    nodeType: node.nodeType,
    displayName: node.displayName,
    recordedState: typeof recorded === 'string' ? recorded : null,
    state: report?.state ?? 'unattributed',
    owners: report?.owners ?? [],
    signals: report?.signals ?? [],
  };
}

/** Roles and permissions the identity holds (directly, or a permission through a role), and its approvals. */
async function privilegesOf(view: StorageAdapter, tenantId: string, identityId: string): Promise<PackPrivileges> {
  const [paths, edges] = await Promise.all([
    view.queryPaths(tenantId, { startNodeId: identityId, traverseEdgeTypes: ['HAS_ROLE', 'MEMBER_OF', 'GRANTS'], maxDepth: 2 }),
    view.getEdgesForNode(tenantId, identityId, 'outgoing'),
  ]);
  const grants = new Map<string, PackGrant>();
  for (const p of paths) {
    const end = p.endNode;
    if (end.nodeType !== 'role' && end.nodeType !== 'permission') continue;
    const key = p.edges.map((e) => e.edgeId).join('>');
    grants.set(key, {
      nodeId: end.nodeId,
      nodeType: end.nodeType,
      displayName: end.displayName,
      privileged: end.nodeType === 'role' ? end.properties.isPrivileged : POWERFUL_ACTIONS.has(end.properties.normalizedAction),
      detail: end.nodeType === 'role' ? `isPrivileged: ${end.properties.isPrivileged}` : permissionDetail(end.properties),
      mapped: end.nodeType === 'role' ? null : end.properties.mapped !== false,
      path: p.edges.map((e) => ({
        edgeId: e.edgeId,
        edgeType: e.edgeType,
        targetNodeId: e.targetNodeId,
        since: e.since ?? e.properties.createdAt ?? null,
        grantedBy: e.properties.grantedBy ?? null,
        sourceEvidence: e.properties.sourceEvidence ?? null,
      })),
    });
  }
  const approvalEdges = edges.filter((e) => e.edgeType === 'APPROVED_BY');
  const approvers = await view.getNodes(tenantId, approvalEdges.map((e) => e.targetNodeId));
  return {
    identityId,
    grants: [...grants.entries()].sort(([a, x], [b, y]) => cmp(x.nodeId, y.nodeId) || cmp(a, b)).map(([, g]) => g),
    approvals: approvalEdges.map((edge, i) => ({ edge, approverDisplayName: approvers[i]?.displayName ?? edge.targetNodeId })),
  };
}

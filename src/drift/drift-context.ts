import { CHAIN_EDGE_TYPES, DEFAULT_CHAIN_DEPTH, chainId, findExecutionChains, maximalChains, reversePath } from '../analysis/execution-chains.ts';
import { findPartialPathsEndingAt, matchCandidatesAt, partialStopAt } from '../analysis/partial-chains.ts';
import type { Candidates, ChainStop, PartialPath } from '../analysis/partial-chains.ts';
import { isEntryPoint } from '../analysis/entry-points.ts';
import type { ExecutionPath, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import type { OwnershipReads } from '../analysis/ownership-report.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { MomentCache } from './moment-cache.ts';
import { walkPaths } from './walk-paths.ts';

/**
 * Reads for one drift computation, cached: the chains ending at an identity and the nodes, each
 * as of the window's start and end. Everything drift looks at goes through here, so its cost is
 * the number of distinct things the change touches.
 */
export class DriftContext {
  private readonly chains = new MomentCache<Promise<ExecutionPath[]>>();
  private readonly nodes = new MomentCache<Promise<NormalizedNode | null>>();
  private readonly partials = new MomentCache<Promise<PartialPath[]>>();
  private readonly outgoing = new MomentCache<Promise<NormalizedEdge[]>>();
  private readonly incoming = new MomentCache<Promise<NormalizedEdge[]>>();
  private readonly stops = new MomentCache<Promise<ChainStop | null>>();
  /** Per moment: the identities every stopped credential is matched against, read once, not per stop. */
  private readonly candidates = new Map<string, () => Promise<Candidates>>();
  credentialsExamined = 0;
  /** The store's node and edge reads as of the window's moments, through this computation's caches. */
  readonly reads: OwnershipReads = {
    getNode: (tenantId, nodeId, at) => (at?.asOf && tenantId === this.tenantId ? this.node(nodeId, at.asOf) : this.storage.getNode(tenantId, nodeId, at)),
    getNodes: (tenantId, nodeIds, at) =>
      at?.asOf && tenantId === this.tenantId ? Promise.all(nodeIds.map((id) => this.node(id, at.asOf!))) : this.storage.getNodes(tenantId, nodeIds, at),
    getEdgesForNode: async (tenantId, nodeId, direction, at) => {
      if (!at?.asOf || tenantId !== this.tenantId) return this.storage.getEdgesForNode(tenantId, nodeId, direction, at);
      if (direction !== 'both') return this.edges(nodeId, direction, at.asOf);
      return this.storage.getEdgesForNode(tenantId, nodeId, direction, at);
    },
  };

  constructor(
    readonly storage: StorageAdapter,
    readonly tenantId: string,
    readonly since: string,
    readonly until: string,
  ) {}

  chainsTo(identityId: string, asOf: string): Promise<ExecutionPath[]> {
    return this.chains.get(asOf, identityId, () => findExecutionChains(this.storage, this.tenantId, { to: identityId, asOf }));
  }

  /** Partial chains from entry points that stop at this connection or credential. */
  partialChainsAt(stopNodeId: string, asOf: string): Promise<PartialPath[]> {
    return this.partials.get(asOf, stopNodeId, () =>
      findPartialPathsEndingAt(this.storage, this.tenantId, stopNodeId, asOf, this.candidatesAt(asOf)).then((all) =>
        all.filter((p) => isEntryPoint(p.path.startNode)),
      ),
    );
  }

  /**
   * The chains that run through a credential's AUTHENTICATES_AS edge, as of one moment: exactly
   * the chains to its identity that contain the credential (findExecutionChains), found by walking
   * back from the credential alone. A credential sits second to last on every chain through it,
   * so every longer chain a candidate is the tail of passes through it too, and maximality is
   * decided within this set. Expiring credentials reach identities the change never touched, and
   * all their chains would otherwise be computed for the few through one credential.
   */
  async chainsThroughCredential(credentialId: string, auth: NormalizedEdge, asOf: string): Promise<ExecutionPath[]> {
    const identity = await this.node(auth.targetNodeId, asOf);
    if (!identity || identity.nodeType !== 'identity') return [];
    const credential = await this.node(credentialId, asOf);
    if (!credential) return [];
    const back = await walkPaths(this, credential, CHAIN_EDGE_SET, 'automation', 'incoming', DEFAULT_CHAIN_DEPTH - 1, asOf);
    const chains: ExecutionPath[] = [];
    for (const p of back.map(reversePath)) {
      if (p.startNode.nodeType !== 'automation' || p.nodes.some((n) => n.nodeType === 'identity')) continue;
      chains.push({ nodes: [...p.nodes, identity], edges: [...p.edges, auth], depth: p.depth + 1, startNode: p.startNode, endNode: identity });
    }
    return maximalChains(chains).filter((c) => isEntryPoint(c.startNode));
  }

  /** The chains to this node when it is an identity at that moment, else none (nothing ends at it). */
  async chainsOf(nodeId: string, asOf: string): Promise<ExecutionPath[]> {
    const node = await this.node(nodeId, asOf);
    return node?.nodeType === 'identity' && !node.deletedAt ? this.chainsTo(nodeId, asOf) : [];
  }

  /** The chains to an identity, if this computation has already asked for them. */
  knownChainsTo(identityId: string, asOf: string): Promise<ExecutionPath[]> | undefined {
    return this.chains.peek(asOf, identityId);
  }

  /** A node's edges in one direction as of a moment. */
  edges(nodeId: string, direction: 'outgoing' | 'incoming', asOf: string): Promise<NormalizedEdge[]> {
    return (direction === 'outgoing' ? this.outgoing : this.incoming).get(asOf, nodeId, () =>
      this.storage.getEdgesForNode(this.tenantId, nodeId, direction, { asOf }),
    );
  }

  /** Why a chain stops at this connection or credential at a moment, or null when it goes on. */
  stopAt(node: NormalizedNode, asOf: string): Promise<ChainStop | null> {
    return this.stops.get(asOf, node.nodeId, () => partialStopAt(this.storage, this.tenantId, node, { asOf }, this.candidatesAt(asOf)));
  }

  private candidatesAt(asOf: string): () => Promise<Candidates> {
    let candidates = this.candidates.get(asOf);
    if (!candidates) this.candidates.set(asOf, (candidates = matchCandidatesAt(this.storage, this.tenantId, asOf)));
    return candidates;
  }

  node(id: string, asOf: string): Promise<NormalizedNode | null> {
    return this.nodes.get(asOf, id, () => this.storage.getNode(this.tenantId, id, { asOf }));
  }
}

const CHAIN_EDGE_SET = new Set<string>(CHAIN_EDGE_TYPES);

export const chainSummary = (c: ExecutionPath) => ({
  chainId: chainId(c),
  hops: c.nodes.map((n) => n.displayName),
  edges: c.edges.map((e) => e.edgeType),
});

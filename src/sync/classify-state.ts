import { ExtractionSummary, classifyCurrent, matchFingerprints, settleFingerprints } from '../diff/index.ts';
import type { CurrentClassification, FingerprintMatch } from '../diff/index.ts';
import { edgeContentHash, edgeHashIs, nodeFingerprint, nodeHashIs, rowFingerprint } from '../model/index.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode } from '../model/index.ts';
import type { PreviousState, StoredFingerprints, StoredHashes } from '../storage/StorageAdapter.ts';

/** An extraction classified against the stored state, and the stored hashes the diff needs. */
export interface ClassifiedState {
  /** The stored ids and hashes: all of them, or (from fingerprints) those of the stale rows. */
  hashes: StoredHashes;
  classified: CurrentClassification;
}

/**
 * Past this many unmatched stored rows (and this share of the stored rows), reading them back by
 * fingerprint is not worth it: the exact maps are read instead.
 */
const MAX_UNMATCHED = 1_000;
const MAX_UNMATCHED_SHARE = 0.1;

/**
 * classifyCurrent for either form of the stored state. From fingerprints, only the rows none of
 * the extraction's rows matches are read back (diff/fingerprints.ts); when the fingerprints cannot
 * decide, the exact maps are read and the answer is the same as from them.
 */
export async function classifyState(state: PreviousState, current: Pick<NormalizedGraph, 'nodes' | 'edges'>): Promise<ClassifiedState> {
  if ('nodeHashes' in state) return { hashes: state, classified: classifyCurrent(state, current) };
  const fromFingerprints = await classifyByFingerprints(state, current);
  if (fromFingerprints) return fromFingerprints;
  const hashes = await state.hashes();
  return { hashes, classified: classifyCurrent(hashes, current) };
}

async function classifyByFingerprints(state: StoredFingerprints, current: Pick<NormalizedGraph, 'nodes' | 'edges'>): Promise<ClassifiedState | undefined> {
  const { nodes, edges } = current;
  if (!state.stored.nodes && !state.stored.edges) {
    // Nothing stored (a first sync): every row is NEW, nothing is fingerprinted or read back.
    return {
      hashes: { nodeHashes: new Map(), edgeHashes: new Map() },
      classified: { nodeStatus: new Uint8Array(nodes.length), edgeStatus: new Uint8Array(edges.length), staleNodeIds: [], staleEdgeIds: [] },
    };
  }
  // The store reads its fingerprints (on another thread, for a large state) while the extraction
  // is fingerprinted here.
  const reading = state.fingerprints(nodes.length + edges.length);
  // Should fingerprinting throw, the read is left to end unobserved (awaiting it below still throws its error).
  reading.catch(() => undefined);
  const { nodeIds, edgeIds, nodeFingerprints, edgeFingerprints, summary } = fingerprintsOf(nodes, edges, state.stored);
  const stored = await reading;
  // Rows stored, or gone, since the look above: the fingerprints of a kind were not made.
  if (stored.nodes.length > 0 !== state.stored.nodes || stored.edges.length > 0 !== state.stored.edges) return undefined;
  const nodeMatch = stored.nodes.length ? matchFingerprints(stored.nodes, nodeFingerprints) : none(nodes.length);
  const edgeMatch = stored.edges.length ? matchFingerprints(stored.edges, edgeFingerprints) : none(edges.length);
  if (!nodeMatch || !edgeMatch) return undefined;
  const unmatched = nodeMatch.unmatchedStored.length + edgeMatch.unmatchedStored.length;
  if (unmatched > MAX_UNMATCHED && unmatched > (stored.nodes.length + stored.edges.length) * MAX_UNMATCHED_SHARE) return undefined;
  const [nodeRows, edgeRows] = await Promise.all([
    nodeMatch.unmatchedStored.length ? state.nodesWith(nodeMatch.unmatchedStored) : new Map<string, string>(),
    edgeMatch.unmatchedStored.length ? state.edgesWith(edgeMatch.unmatchedStored) : new Map<string, string>(),
  ]);
  const settledNodes = settleFingerprints(nodeMatch, nodeIds, nodeRows, (i, hash) => nodeHashIs(nodes[i]!, hash));
  const settledEdges = settledNodes && settleFingerprints(edgeMatch, edgeIds, edgeRows, (i, hash) => edgeHashIs(edges[i]!, hash));
  if (!settledNodes || !settledEdges) return undefined;
  return {
    hashes: { nodeHashes: nodeRows, edgeHashes: edgeRows },
    classified: {
      nodeStatus: settledNodes.status,
      edgeStatus: settledEdges.status,
      staleNodeIds: settledNodes.stale,
      staleEdgeIds: settledEdges.stale,
      summary,
    },
  };
}

/**
 * The extraction's ids and fingerprints (none for a kind nothing of is stored: every row of it is
 * NEW), and its summary for the steps after the classification, gathered in the same pass: one
 * visit to each row object.
 */
function fingerprintsOf(nodes: readonly NormalizedNode[], edges: readonly NormalizedEdge[], stored: StoredFingerprints['stored']) {
  const summary = new ExtractionSummary(nodes);
  const nodeIds = new Array<string>(nodes.length);
  const nodeFingerprints = new Float64Array(stored.nodes ? nodes.length : 0);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    nodeIds[i] = node.nodeId;
    summary.addNode(i, node);
    if (stored.nodes) nodeFingerprints[i] = nodeFingerprint(node);
  }
  const edgeIds = new Array<string>(edges.length);
  const edgeFingerprints = new Float64Array(stored.edges ? edges.length : 0);
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    edgeIds[i] = edge.edgeId;
    summary.addEdge(edge);
    // Most edges are plain: edgeContentHash gives them one shared string, nothing is computed.
    if (stored.edges) edgeFingerprints[i] = rowFingerprint(edge.edgeId, edgeContentHash(edge));
  }
  return { nodeIds, edgeIds, nodeFingerprints, edgeFingerprints, summary };
}

/** Nothing stored: every current row unmatched. */
const none = (length: number): FingerprintMatch => ({ status: new Uint8Array(length), unmatchedStored: [] });

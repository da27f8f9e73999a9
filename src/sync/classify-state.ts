import { classifyCurrent, matchFingerprints, settleFingerprints } from '../diff/index.ts';
import type { CurrentClassification, FingerprintMatch } from '../diff/index.ts';
import { edgeContentHash, edgeHashIs, nodeFingerprint, nodeHashIs, rowFingerprint } from '../model/index.ts';
import type { NormalizedGraph } from '../model/index.ts';
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
  if (state.nodeFingerprints.length === 0 && state.edgeFingerprints.length === 0) {
    // Nothing stored (a first sync): every row is NEW, nothing is fingerprinted or read back.
    return {
      hashes: { nodeHashes: new Map(), edgeHashes: new Map() },
      classified: { nodeStatus: new Uint8Array(nodes.length), edgeStatus: new Uint8Array(edges.length), staleNodeIds: [], staleEdgeIds: [] },
    };
  }
  const nodeIds = new Array<string>(nodes.length);
  for (let i = 0; i < nodes.length; i++) nodeIds[i] = nodes[i]!.nodeId;
  const edgeIds = new Array<string>(edges.length);
  for (let i = 0; i < edges.length; i++) edgeIds[i] = edges[i]!.edgeId;
  // Nothing stored of a kind: every row of it is NEW, and none is fingerprinted.
  const nodeFingerprints = new Float64Array(state.nodeFingerprints.length ? nodes.length : 0);
  for (let i = 0; i < nodeFingerprints.length; i++) nodeFingerprints[i] = nodeFingerprint(nodes[i]!);
  const edgeFingerprints = new Float64Array(state.edgeFingerprints.length ? edges.length : 0);
  // Most edges are plain: edgeContentHash gives them one shared string, nothing is computed.
  for (let i = 0; i < edgeFingerprints.length; i++) edgeFingerprints[i] = rowFingerprint(edgeIds[i]!, edgeContentHash(edges[i]!));
  const nodeMatch = state.nodeFingerprints.length ? matchFingerprints(state.nodeFingerprints, nodeFingerprints) : none(nodes.length);
  const edgeMatch = state.edgeFingerprints.length ? matchFingerprints(state.edgeFingerprints, edgeFingerprints) : none(edges.length);
  if (!nodeMatch || !edgeMatch) return undefined;
  const unmatched = nodeMatch.unmatchedStored.length + edgeMatch.unmatchedStored.length;
  const stored = state.nodeFingerprints.length + state.edgeFingerprints.length;
  if (unmatched > MAX_UNMATCHED && unmatched > stored * MAX_UNMATCHED_SHARE) return undefined;
  const [nodeRows, edgeRows] = await Promise.all([
    nodeMatch.unmatchedStored.length ? state.nodesWith(nodeMatch.unmatchedStored) : new Map<string, string>(),
    edgeMatch.unmatchedStored.length ? state.edgesWith(edgeMatch.unmatchedStored) : new Map<string, string>(),
  ]);
  const settledNodes = settleFingerprints(nodeMatch, nodeIds, nodeRows, (i, hash) => nodeHashIs(nodes[i]!, hash));
  const settledEdges = settledNodes && settleFingerprints(edgeMatch, edgeIds, edgeRows, (i, hash) => edgeHashIs(edges[i]!, hash));
  if (!settledNodes || !settledEdges) return undefined;
  return {
    hashes: { nodeHashes: nodeRows, edgeHashes: edgeRows },
    classified: { nodeStatus: settledNodes.status, edgeStatus: settledEdges.status, staleNodeIds: settledNodes.stale, staleEdgeIds: settledEdges.stale },
  };
}

/** Nothing stored: every current row unmatched. */
const none = (length: number): FingerprintMatch => ({ status: new Uint8Array(length), unmatchedStored: [] });

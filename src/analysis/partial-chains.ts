import { PARTIAL_TO_CONNECTION_EDGE_TYPES, PARTIAL_TO_CREDENTIAL_EDGE_TYPES } from '../model/index.ts';
import type { ChainStopReason, ExecutionPath, NormalizedNode } from '../model/index.ts';
import { checkpoint } from '../runtime/cooperative.ts';
import type { ReadAt, StorageAdapter } from '../storage/StorageAdapter.ts';
import { DEFAULT_CHAIN_DEPTH, maximalChains, readAt, reversePath } from './execution-chains.ts';
import type { ChainQuery } from './execution-chains.ts';

// Chains that stop short of an identity (issue 12): an automation reaches a connection that has
// no credential to follow (basic auth, credentials inline, an unknown auth type), or a credential
// whose client id matches no known identity (a deleted app, another tenant's app). These are the
// findings a reviewer wants most, so they are verdicts with a stop reason, never "no chain".

/** What was looked for, and where, when a credential matched no identity. */
export interface StopSearch {
  /** The credential field matched, e.g. clientId. */
  field: string;
  /** Its value on the credential (null when it carries none). */
  value: string | null;
  /** The identity property it is matched against. */
  against: string;
  /** How many identities carry that property (the candidates searched). */
  candidates: number;
  /** The source instances those identities come from, e.g. entra_id:<tenant id>. */
  scopes: string[];
}

export interface ChainStop {
  reason: ChainStopReason;
  /** The connection or credential where the chain stops. */
  nodeId: string;
  detail: string;
  searched: StopSearch | null;
}

export interface PartialPath {
  path: ExecutionPath;
  stop: ChainStop;
}

const STOP_CHECK_BATCH = 32;

/** Every maximal automation → connection / credential path that stops there (query.to is ignored: these end at no identity). */
export async function findPartialPaths(storage: StorageAdapter, tenantId: string, query: ChainQuery): Promise<PartialPath[]> {
  const at = readAt(query);
  const search = {
    maxDepth: query.maxDepth ?? DEFAULT_CHAIN_DEPTH,
    limit: 5_000,
    startNodeType: 'automation' as const,
    ...(query.from ? { startNodeId: query.from } : {}),
  };
  const [toConnections, toCredentials] = await Promise.all([
    storage.queryPaths(tenantId, { ...search, traverseEdgeTypes: PARTIAL_TO_CONNECTION_EDGE_TYPES, endNodeType: 'connection' }, at),
    storage.queryPaths(tenantId, { ...search, traverseEdgeTypes: PARTIAL_TO_CREDENTIAL_EDGE_TYPES, endNodeType: 'credential' }, at),
  ]);
  const ends = new Map<string, NormalizedNode>();
  for (const p of [...toConnections, ...toCredentials]) ends.set(p.endNode.nodeId, p.endNode);
  const stops = new Map<string, ChainStop>();
  const candidates = lazy(() => matchCandidates(storage, tenantId, at));
  // One edge read per end node, a batch at a time: on a server adapter the round trips overlap.
  const ordered = [...ends.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  for (let i = 0; i < ordered.length; i += STOP_CHECK_BATCH) {
    await checkpoint();
    const batch = ordered.slice(i, i + STOP_CHECK_BATCH);
    const found = await Promise.all(batch.map((end) => partialStopAt(storage, tenantId, end, at, candidates)));
    found.forEach((stop, j) => stop && stops.set(batch[j]!.nodeId, stop));
  }
  const partial = maximalChains([...toConnections, ...toCredentials].filter((p) => stops.has(p.endNode.nodeId)));
  return partial.map((path) => ({ path, stop: stops.get(path.endNode.nodeId)! }));
}

/**
 * The maximal partial paths that stop at one connection or credential (none when it is no stop),
 * walking back from it: drift compares these at both ends of a window. A caller asking about many
 * stops at one moment passes one `candidates` (matchCandidatesAt) for all of them: each would
 * otherwise read every identity of the tenant again.
 */
export async function findPartialPathsEndingAt(
  storage: StorageAdapter,
  tenantId: string,
  nodeId: string,
  asOf?: string,
  candidates: () => Promise<Candidates> = matchCandidatesAt(storage, tenantId, asOf),
): Promise<PartialPath[]> {
  const at = asOf ? { asOf } : undefined;
  const node = await storage.getNode(tenantId, nodeId, at);
  if (!node || node.deletedAt || (node.nodeType !== 'connection' && node.nodeType !== 'credential')) return [];
  const stop = await partialStopAt(storage, tenantId, node, at, candidates);
  if (!stop) return [];
  const traverse = node.nodeType === 'connection' ? PARTIAL_TO_CONNECTION_EDGE_TYPES : PARTIAL_TO_CREDENTIAL_EDGE_TYPES;
  const back = await storage.queryPaths(
    tenantId,
    { startNodeId: nodeId, traverseEdgeTypes: [...traverse], endNodeType: 'automation', direction: 'incoming', maxDepth: DEFAULT_CHAIN_DEPTH, limit: 5_000 },
    at,
  );
  return maximalChains(back.map(reversePath)).map((path) => ({ path, stop }));
}

/** Why a chain stops at this node, or null when it goes on (a connection USES a credential, a credential AUTHENTICATES_AS someone). */
export async function partialStopAt(
  storage: StorageAdapter,
  tenantId: string,
  node: NormalizedNode,
  at: ReadAt | undefined,
  candidates: () => Promise<Candidates>,
): Promise<ChainStop | null> {
  const out = await storage.getEdgesForNode(tenantId, node.nodeId, 'outgoing', at);
  if (node.nodeType === 'connection') {
    if (out.some((e) => e.edgeType === 'USES')) return null;
    return { reason: 'stops_at_connection', nodeId: node.nodeId, detail: connectionStopDetail(node.properties.authMethod), searched: null };
  }
  if (node.nodeType === 'credential') {
    if (out.some((e) => e.edgeType === 'AUTHENTICATES_AS')) return null;
    // A CI secret has no client id of its own: the one passed beside it in a login step stands for it.
    const paired = Array.isArray(node.properties.pairedClientIds) ? node.properties.pairedClientIds.map(String) : [];
    const clientId = node.properties.clientId ?? paired[0] ?? null;
    const found = await candidates();
    const searched: StopSearch = { field: 'clientId', value: clientId, against: 'appId', candidates: found.count, scopes: found.scopes };
    const detail = !clientId
      ? 'the credential carries no client id: nothing to match it to an identity'
      : found.count === 0
        ? `client id ${clientId} could not be matched: no identity with an appId is stored (is the identity provider's connector configured?)`
        : `client id ${clientId} matches no identity: searched the appId of ${found.count} identit${found.count === 1 ? 'y' : 'ies'} (${found.scopes.join(', ')}), case-insensitively; a deleted app or another tenant's app`;
    return { reason: 'stops_at_credential', nodeId: node.nodeId, detail, searched };
  }
  return null;
}

/** The connection's authentication, in the analyst's words: what there is instead of a credential hop. */
export function connectionStopDetail(authMethod: string | undefined): string {
  const method = (authMethod ?? '').toLowerCase();
  if (method === 'basic' || method === 'basic_auth') return 'authenticates with a stored user name and password (basic auth): no credential record to follow to an identity';
  if (method === '' || method === 'no_authentication' || method === 'none') return 'no authentication configured on the connection: credentials, if any, are inline in the request';
  if (method === 'oauth2') return 'OAuth 2.0 is configured but the connection names no stored OAuth profile';
  return `unknown authentication type "${authMethod}": no credential hop can be followed`;
}

export interface Candidates {
  count: number;
  scopes: string[];
}

/** The identities a client id is matched against at one moment, read on first use and then kept. */
export function matchCandidatesAt(storage: StorageAdapter, tenantId: string, asOf?: string): () => Promise<Candidates> {
  return lazy(() => matchCandidates(storage, tenantId, asOf ? { asOf } : undefined));
}

/** Identities a client id is matched against (the resolver's auth_by_client_id rule: appId, app registrations excluded). */
async function matchCandidates(storage: StorageAdapter, tenantId: string, at: ReadAt | undefined): Promise<Candidates> {
  const identities = await storage.getNodesByType(tenantId, 'identity', at);
  const matchable = identities.filter((n) => n.nodeType === 'identity' && n.properties.appId && n.properties.identitySubtype !== 'oauth_app');
  return { count: matchable.length, scopes: [...new Set(matchable.map((n) => `${n.sourceSystem}:${n.sourceScope}`))].sort() };
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

// Every GraphQL document the dashboard runs. Plain API queries: what a view shows can be scripted
// with the same document (Actions → Copy GraphQL query).

export const VIEWER = `query Viewer { viewer { tenantId role keyId } }`;

export const POSTURE = `query Posture($asOf: String, $expiringWithinDays: Int, $top: Int) {
  posture(asOf: $asOf, expiringWithinDays: $expiringWithinDays, top: $top) {
    at
    asOfSyncId
    expiringWithinDays
    identitiesByOwnership { state count }
    chainsByKind { kind count }
    privilegedReachable { count top { nodeId chains node { displayName nodeType sourceSystem } } }
    credentialsExpired { count top { nodeId chains expiresAt node { displayName nodeType sourceSystem status } } }
    credentialsExpiring { count top { nodeId chains expiresAt node { displayName nodeType sourceSystem status } } }
    connectors {
      connectorId
      lastSync { syncId status mode startedAt completedAt }
      evidenceCompleteness { syncId reportedAt complete sources { key sourceTable status recordCount notes } }
    }
    timeline { syncId connectorId status validAt }
  }
}`;

/** Every sync of the tenant (the moments the as-of control offers), newest first. */
export const TIMELINE = `query Timeline { posture(top: 0) { timeline { syncId connectorId status validAt } } }`;

export const NODES = `query Nodes($type: NodeType, $filter: NodeFilter, $first: Int, $after: String, $asOf: String) {
  nodes(type: $type, filter: $filter, first: $first, after: $after, asOf: $asOf) {
    pageInfo { hasNextPage endCursor }
    edges { node { id nodeType sourceSystem displayName status properties } }
  }
}`;

export const CHAIN_KINDS = ['authenticates_as', 'runs_as', 'inbound_oauth', 'partial', 'latent'];

export const CHAIN_LIST = `query ChainList($kinds: [ChainKind!], $asOf: String, $first: Int, $after: String) {
  executionChains(kinds: $kinds, asOf: $asOf, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind depth start { id displayName sourceSystem } identity { id displayName sourceSystem } stop { reason node { id displayName } } } }
  }
}`;

export const NODE = `query NodeById($id: ID!) { node(id: $id) { id nodeType displayName sourceSystem } }`;

const NODE_FIELDS = `id nodeType sourceSystem sourceScope displayName status properties`;

/**
 * Every chain ending at an identity (to) or starting at an automation (from), with each hop's
 * evidence. The page size is written in the document: the API prices a variable `first` at the cap.
 */
export const CHAIN_PAGE = 40;
export const CHAINS = `query Chains($to: ID, $from: ID, $asOf: String) {
  executionChains(to: $to, from: $from, asOf: $asOf, first: 40) {
    totalCount
    edges {
      node {
        id kind depth entryPoint complete
        stop { reason detail node { id } }
        identity { id ownershipState edges(types: [HAS_ROLE, MEMBER_OF], first: 10) { target { ... on Role { id displayName isPrivileged } } } }
        hops {
          position
          from { ${NODE_FIELDS} }
          to { ${NODE_FIELDS} }
          edge { id edgeType sourceNodeId targetNodeId since rawProperties provenance { origin rule detail sourceRecordIds retrievedAt } }
          evidence {
            sourceEvidence
            evidenceReferences { issuingSystemId issuingTenantId targetSystemId targetInstanceId targetRecordSysId matchingField matchingValue targetUserBinding }
            crossSystemLink { id edgeType rawProperties provenance { origin rule detail } }
          }
        }
      }
    }
  }
}`;

/** What a credential authenticates as: the identities its chains end at. */
export const CREDENTIAL_TARGETS = `query CredentialTargets($id: ID!) {
  node(id: $id) { id nodeType edges(direction: outgoing, types: [AUTHENTICATES_AS], first: 50) { targetNodeId } }
}`;

export const OWNERSHIP = `query Ownership($nodeId: ID!, $asOf: String) {
  ownership(nodeId: $nodeId, asOf: $asOf) {
    state recordedState
    owners { displayName via active inactiveReason }
    signals { kind nodeId detail }
  }
}`;

export const DRIFT = `query Drift($since: String!, $until: String) {
  drift(since: $since, until: $until) {
    since until
    findings { findingId type severity summary entityIds chainIds eventIds before after observedAt }
  }
}`;

export const EVIDENCE_PACK = `query EvidencePack($chainId: ID, $identityId: ID, $asOf: String) {
  evidencePack(chainId: $chainId, identityId: $identityId, asOf: $asOf)
}`;

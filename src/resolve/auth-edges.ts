import type { EvidenceReferences, NodeOfType, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { resolvedEdge } from './resolved-edge.ts';

// Cross-system authentication by client id (seed 003 resolve_auth_edges). An identity provider's
// principal carries the application's client id (`appId`); a credential of another source that
// names that client id acts as the principal. GUIDs are compared case-insensitively (people type
// them by hand).
//   oauth_profile  --AUTHENTICATES_AS-->  principal   (ServiceNow: the execution chain's last hop)
//   oauth_provider --AUTHENTICATES_TO-->  principal   (ServiceNow: the registry-level link)
//   ci_secret      --AUTHENTICATES_AS-->  principal   (a CI secret passed beside that client id)
// And inbound (a provider's app calling another source as an OAuth client, issue 12): an
// oauth_client registration whose client id is the app's appId lets that app in as the
// registration's application user:
//   principal --AUTHENTICATES_TO--> that source's integration user (then HAS_ROLE → roles)
//
// The helpers take typed nodes (an identity principal, a credential), so no branch of theirs
// re-checks a node type the caller already knows.

type Principal = NodeOfType<'identity'>;
type Credential = NodeOfType<'credential'>;

export function resolveAuthEdges(nodes: readonly NormalizedNode[]): NormalizedEdge[] {
  const principals = new Map<string, Principal>();
  for (const n of nodes) {
    if (n.nodeType === 'identity' && n.properties.identitySubtype !== 'oauth_app' && n.properties.appId) {
      principals.set(n.properties.appId.toLowerCase(), n);
    }
  }
  const edges: NormalizedEdge[] = [];
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  for (const cred of nodes) {
    if (cred.nodeType !== 'credential') continue;
    const subtype = cred.properties.credentialSubtype;
    if (subtype === 'ci_secret') {
      edges.push(...secretEdges(cred, principals));
      continue;
    }
    if (subtype === 'oauth_client') {
      const edge = inboundEdge(cred, principals, byId);
      if (edge) edges.push(edge);
      continue;
    }
    if (!cred.properties.clientId || (subtype !== 'oauth_profile' && subtype !== 'oauth_provider')) continue;
    const sp = principals.get(cred.properties.clientId.toLowerCase());
    if (!sp || sp.sourceSystem === cred.sourceSystem) continue;
    const sysId = String(cred.properties.oauthEntitySysId ?? cred.sourceId);
    const evidenceReferences = clientIdEvidence(sp, cred, sysId);
    const why = {
      rule: 'auth_by_client_id' as const,
      detail: `oauth_entity ${sysId} client_id ${cred.properties.clientId} = appId ${String(sp.properties.appId)} of ${sp.displayName} (case-insensitive)`,
      sourceRecordIds: [`oauth_entity/${sysId}`, `servicePrincipal/${sp.sourceId}`],
    };
    const edge = resolvedEdge(subtype === 'oauth_profile' ? 'AUTHENTICATES_AS' : 'AUTHENTICATES_TO', cred, sp, why, { evidenceReferences });
    if (edge) edges.push(edge);
  }
  return edges;
}

/** A CI secret authenticates as the principal whose client id the workflow passes beside it. */
function secretEdges(cred: Credential, principals: ReadonlyMap<string, Principal>): NormalizedEdge[] {
  const ids = Array.isArray(cred.properties.pairedClientIds) ? cred.properties.pairedClientIds.map(String) : [];
  const edges: NormalizedEdge[] = [];
  for (const clientId of ids) {
    const sp = principals.get(clientId.toLowerCase());
    if (!sp || sp.sourceSystem === cred.sourceSystem) continue;
    const edge = resolvedEdge('AUTHENTICATES_AS', cred, sp, {
      rule: 'secret_beside_client_id',
      detail: `secret ${String(cred.properties.secretName ?? cred.displayName)} is ${String(cred.properties.clientIdEvidence ?? 'passed beside a client id')}: ${clientId} = appId of ${sp.displayName}`,
      sourceRecordIds: [cred.sourceId, sp.sourceId],
    }, {
      evidenceReferences: {
        issuingSystemId: String(sp.properties.appId),
        issuingTenantId: String(sp.properties.issuingTenantId ?? sp.sourceScope),
        targetSystemId: clientId,
        targetInstanceId: cred.sourceScope,
        targetRecordSysId: cred.sourceId,
        matchingField: 'client_id',
        matchingValue: clientId,
      },
    });
    if (edge) edges.push(edge);
  }
  return edges;
}

/** The inbound link: the app whose appId is the client registration's client id, to the user it runs as. */
function inboundEdge(cred: Credential, principals: ReadonlyMap<string, Principal>, byId: ReadonlyMap<string, NormalizedNode>): NormalizedEdge | undefined {
  if (!cred.properties.clientId) return undefined;
  const sp = principals.get(cred.properties.clientId.toLowerCase());
  const userId = cred.properties.applicationUserNodeId;
  const user = typeof userId === 'string' ? byId.get(userId) : undefined;
  if (!sp || sp.sourceSystem === cred.sourceSystem || !user) return undefined;
  const sysId = String(cred.properties.oauthEntitySysId ?? cred.sourceId);
  const userName = user.nodeType === 'identity' ? String(user.properties.userName ?? user.displayName) : user.displayName;
  const evidenceReferences = { ...clientIdEvidence(sp, cred, sysId), targetUserBinding: `oauth_entity.user -> sys_user.user_name = ${userName}` };
  const why = {
    rule: 'inbound_oauth_client' as const,
    detail: `oauth_entity ${sysId} (type client) client_id ${cred.properties.clientId} = appId ${String(sp.properties.appId)} of ${sp.displayName}; the app signs in as OAuth Application User ${userName}`,
    sourceRecordIds: [`oauth_entity/${sysId}`, `servicePrincipal/${sp.sourceId}`, user.sourceId],
  };
  return resolvedEdge('AUTHENTICATES_TO', sp, user, why, { evidenceReferences });
}

/** The proof of a client-id match (seed 003 evidenceReferences): issuer, target instance, field and value. */
function clientIdEvidence(sp: Principal, cred: Credential, sysId: string): EvidenceReferences {
  const clientId = String(cred.properties.clientId);
  return {
    issuingSystemId: String(sp.properties.appId),
    issuingTenantId: String(sp.properties.issuingTenantId ?? sp.sourceScope),
    targetSystemId: clientId,
    targetInstanceId: String(cred.properties.instanceUrl ?? cred.sourceScope),
    targetRecordSysId: sysId,
    matchingField: 'client_id',
    matchingValue: clientId,
  };
}

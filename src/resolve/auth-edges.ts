import type { NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { resolvedEdge } from './resolved-edge.ts';

// Cross-system authentication (seed 003 resolve_auth_edges): a ServiceNow OAuth registry entry or
// profile whose client id is an Entra application's appId authenticates as that application's
// service principal. GUIDs are compared case-insensitively (ServiceNow stores what was typed).
//   oauth_profile  --AUTHENTICATES_AS-->  service principal   (the execution chain's last hop)
//   oauth_provider --AUTHENTICATES_TO-->  service principal   (the registry-level link)
// And inbound (an Entra app calling ServiceNow as an OAuth client, issue 12): an oauth_entity of
// type "client" whose client id is the app's appId lets that app in as the registration's OAuth
// Application User:
//   service principal --AUTHENTICATES_TO--> ServiceNow integration user (then HAS_ROLE → roles)

export function resolveAuthEdges(nodes: readonly NormalizedNode[]): NormalizedEdge[] {
  const principals = new Map<string, NormalizedNode>();
  for (const n of nodes) {
    if (n.nodeType === 'identity' && n.sourceSystem === 'entra_id' && n.properties.identitySubtype !== 'oauth_app' && n.properties.appId) {
      principals.set(n.properties.appId.toLowerCase(), n);
    }
  }
  const edges: NormalizedEdge[] = [];
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  for (const cred of nodes) {
    if (cred.nodeType !== 'credential' || cred.sourceSystem === 'entra_id' || !cred.properties.clientId) continue;
    const subtype = cred.properties.credentialSubtype;
    if (subtype === 'oauth_client') {
      const edge = inboundEdge(cred, principals, byId);
      if (edge) edges.push(edge);
      continue;
    }
    if (subtype !== 'oauth_profile' && subtype !== 'oauth_provider') continue;
    const sp = principals.get(cred.properties.clientId.toLowerCase());
    if (!sp || sp.nodeType !== 'identity') continue;
    const sysId = String(cred.properties.oauthEntitySysId ?? cred.sourceId);
    const evidenceReferences = {
      issuingSystemId: String(sp.properties.appId),
      issuingTenantId: String(sp.properties.issuingTenantId ?? sp.sourceScope),
      targetSystemId: cred.properties.clientId,
      targetInstanceId: String(cred.properties.instanceUrl ?? cred.sourceScope),
      targetRecordSysId: sysId,
      matchingField: 'client_id',
      matchingValue: cred.properties.clientId,
    };
    const why = {
      rule: 'auth_by_client_id' as const,
      detail: `oauth_entity ${sysId} client_id ${cred.properties.clientId} = Entra appId ${String(sp.properties.appId)} (case-insensitive)`,
      sourceRecordIds: [`oauth_entity/${sysId}`, `servicePrincipal/${sp.sourceId}`],
    };
    const edge = resolvedEdge(subtype === 'oauth_profile' ? 'AUTHENTICATES_AS' : 'AUTHENTICATES_TO', cred, sp, why, { evidenceReferences });
    if (edge) edges.push(edge);
  }
  return edges;
}

/** The inbound link: the Entra app whose appId is the client registration's client id, to the user it runs as. */
function inboundEdge(cred: NormalizedNode, principals: ReadonlyMap<string, NormalizedNode>, byId: ReadonlyMap<string, NormalizedNode>): NormalizedEdge | undefined {
  if (cred.nodeType !== 'credential' || !cred.properties.clientId) return undefined;
  const sp = principals.get(cred.properties.clientId.toLowerCase());
  const userId = cred.properties.applicationUserNodeId;
  const user = typeof userId === 'string' ? byId.get(userId) : undefined;
  if (!sp || sp.nodeType !== 'identity' || !user) return undefined;
  const sysId = String(cred.properties.oauthEntitySysId ?? cred.sourceId);
  const userName = user.nodeType === 'identity' ? String(user.properties.userName ?? user.displayName) : user.displayName;
  const evidenceReferences = {
    issuingSystemId: String(sp.properties.appId),
    issuingTenantId: String(sp.properties.issuingTenantId ?? sp.sourceScope),
    targetSystemId: cred.properties.clientId,
    targetInstanceId: String(cred.properties.instanceUrl ?? cred.sourceScope),
    targetRecordSysId: sysId,
    matchingField: 'client_id',
    matchingValue: cred.properties.clientId,
    targetUserBinding: `oauth_entity.user -> sys_user.user_name = ${userName}`,
  };
  const why = {
    rule: 'inbound_oauth_client' as const,
    detail: `oauth_entity ${sysId} (type client) client_id ${cred.properties.clientId} = Entra appId ${String(sp.properties.appId)}; the app signs in as OAuth Application User ${userName}`,
    sourceRecordIds: [`oauth_entity/${sysId}`, `servicePrincipal/${sp.sourceId}`, user.sourceId],
  };
  return resolvedEdge('AUTHENTICATES_TO', sp, user, why, { evidenceReferences });
}

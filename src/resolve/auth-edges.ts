import type { NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { resolvedEdge } from './resolved-edge.ts';

// Cross-system authentication (seed 003 resolve_auth_edges): a ServiceNow OAuth registry entry or
// profile whose client id is an Entra application's appId authenticates as that application's
// service principal. GUIDs are compared case-insensitively (ServiceNow stores what was typed).
//   oauth_profile  --AUTHENTICATES_AS-->  service principal   (the execution chain's last hop)
//   oauth_provider --AUTHENTICATES_TO-->  service principal   (the registry-level link)

export function resolveAuthEdges(nodes: readonly NormalizedNode[]): NormalizedEdge[] {
  const principals = new Map<string, NormalizedNode>();
  for (const n of nodes) {
    if (n.nodeType === 'identity' && n.sourceSystem === 'entra_id' && n.properties.identitySubtype !== 'oauth_app' && n.properties.appId) {
      principals.set(n.properties.appId.toLowerCase(), n);
    }
  }
  const edges: NormalizedEdge[] = [];
  for (const cred of nodes) {
    if (cred.nodeType !== 'credential' || cred.sourceSystem === 'entra_id' || !cred.properties.clientId) continue;
    const subtype = cred.properties.credentialSubtype;
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

import { cloudLoginsOf } from '../model/index.ts';
import type { CloudLogin, NormalizedEdge, NormalizedNode, OidcClaimSet } from '../model/index.ts';
import { evaluateClaimsExpression } from './claims-expression.ts';
import { resolvedEdge } from './resolved-edge.ts';

// Workload identity federation (the chain no secret scanner sees):
//   automation --USES--> federated identity credential   (this rule)
//   federated identity credential --AUTHENTICATES_AS--> service principal   (read by the IdP connector)
// A login step matches a credential the way the identity provider checks the token: the issuer
// exactly, the audience among the credential's audiences, and the subject exactly (case matters)
// or the credential's claims matching expression. The client id must be the credential's
// application; when the workflow keeps it in a secret it cannot be checked, and the edge says so.

export function resolveFederationEdges(nodes: readonly NormalizedNode[]): NormalizedEdge[] {
  const credentials = nodes.filter(
    (n): n is Extract<NormalizedNode, { nodeType: 'credential' }> => n.nodeType === 'credential' && n.properties.credentialSubtype === 'federated_identity_credential' && n.status === 'active',
  );
  if (!credentials.length) return [];
  const edges: NormalizedEdge[] = [];
  for (const automation of nodes) {
    if (automation.nodeType !== 'automation' || automation.status !== 'active') continue;
    for (const login of cloudLoginsOf(automation.properties.oidcLogins)) {
      if (login.mode !== 'federated' || login.oidcPermission === 'not_granted') continue;
      for (const credential of credentials) {
        const match = matchFederatedCredential(login, credential.properties);
        if (!match) continue;
        const edge = resolvedEdge('USES', automation, credential, {
          rule: 'oidc_federation',
          detail: `${login.job}/${login.step} presents ${match.claimSet.sub} (${match.claimSet.basis}); ${credential.displayName} trusts ${match.how === 'claims_expression' ? `claims matching ${String(credential.properties.claimsMatchingExpression)}` : `subject ${String(credential.properties.subject)}`} from ${login.issuer}`,
          sourceRecordIds: [automation.sourceId, credential.sourceId],
        }, {
          matchBasis: match.how,
          matchedSubject: match.claimSet.sub,
          subjectBasis: match.claimSet.basis,
          clientIdVerified: match.clientIdVerified,
          clientIdFrom: login.clientIdFrom,
          oidcPermission: login.oidcPermission,
          loginStep: `${login.job}/${login.step}`,
        });
        if (edge && !edges.some((e) => e.edgeId === edge.edgeId)) edges.push(edge);
      }
    }
  }
  return edges;
}

export interface FederationMatch {
  claimSet: OidcClaimSet;
  how: 'subject_eq' | 'subject_pattern' | 'claims_expression';
  clientIdVerified: boolean;
}

/** How a login's tokens satisfy one federated credential, or undefined when they cannot. */
export function matchFederatedCredential(login: CloudLogin, credential: Record<string, unknown>): FederationMatch | undefined {
  if (credential.issuer !== login.issuer) return undefined;
  const audiences = Array.isArray(credential.audiences) ? credential.audiences.map(String) : [];
  if (!audiences.includes(login.audience)) return undefined;
  const appId = typeof credential.clientId === 'string' ? credential.clientId.toLowerCase() : undefined;
  if (login.clientId && login.clientId.toLowerCase() !== appId) return undefined;
  const clientIdVerified = Boolean(login.clientId);
  const subject = typeof credential.subject === 'string' && credential.subject ? credential.subject : undefined;
  const expression = typeof credential.claimsMatchingExpression === 'string' ? credential.claimsMatchingExpression : undefined;
  for (const claimSet of login.claimSets) {
    if (subject !== undefined) {
      if (!claimSet.pattern && claimSet.sub === subject) return { claimSet, how: 'subject_eq', clientIdVerified };
      if (claimSet.pattern && globMatch(claimSet.sub, subject)) return { claimSet, how: 'subject_pattern', clientIdVerified };
    } else if (expression !== undefined && !claimSet.pattern) {
      const result = evaluateClaimsExpression(expression, claimSet.claims);
      if (result.ok && result.matches) return { claimSet, how: 'claims_expression', clientIdVerified };
    }
  }
  return undefined;
}

/** Filter patterns of subjects: `**` crosses "/", `*` stays within a segment, `?` is one character. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  return new RegExp(`^${re}$`).test(value);
}

import { z } from 'zod';

// Workload identity federation, as node properties: an automation that signs in to a cloud with a
// token it is issued at run time (no stored secret), described by the claims those tokens can
// carry; and the login steps that pass a stored secret beside a client id. Connectors write these
// on automation nodes (`oidcLogins`, `staticLogins`); the resolver reads them back through these
// schemas, so a malformed property is skipped rather than trusted.

export const OidcClaimSet = z.object({
  /** The token's subject, or a pattern of subjects when `pattern` (the source's filter syntax). */
  sub: z.string().min(1),
  pattern: z.boolean(),
  /** Why the automation can present this subject (trigger, environment, assumption). */
  basis: z.string(),
  claims: z.record(z.string(), z.string()),
});
export type OidcClaimSet = z.infer<typeof OidcClaimSet>;

export const CloudLogin = z.object({
  job: z.string(),
  step: z.string(),
  action: z.string(),
  provider: z.string(),
  mode: z.enum(['federated', 'secret']),
  /** The client (application) id, when the file or a readable variable gives it. */
  clientId: z.string().optional(),
  /** Where the client id comes from: "literal", "variable X", "secret X (value unreadable)" … */
  clientIdFrom: z.string(),
  tenantId: z.string().optional(),
  audience: z.string(),
  issuer: z.string(),
  /** Whether the job may mint an OIDC token: granted, left to the repository default, not granted. */
  oidcPermission: z.enum(['granted', 'repository_default', 'not_granted']),
  secretNames: z.array(z.string()),
  environment: z.string().optional(),
  claimSets: z.array(OidcClaimSet),
});
export type CloudLogin = z.infer<typeof CloudLogin>;

/** The logins of one property value; entries that do not parse are dropped. */
export function cloudLoginsOf(value: unknown): CloudLogin[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const parsed = CloudLogin.safeParse(v);
    return parsed.success ? [parsed.data] : [];
  });
}

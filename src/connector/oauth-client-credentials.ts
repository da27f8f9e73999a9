import { connectorError, ConnectorError, FatalConnectorError } from './errors.ts';
import { redactUrl } from './http-client.ts';
import type { AuthProvider, HttpClient } from './http-client.ts';
import type { Secret } from './secrets.ts';

// OAuth2 client credentials grant (RFC 6749 §4.4), as Entra's v2.0 token endpoint and ServiceNow's
// oauth_token.do speak it. The token is cached until shortly before expiry; a 401 on an API call
// invalidates it once (see HttpClient).

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  scope?: string;
  http: () => HttpClient;
}

export class ClientCredentialsAuth implements AuthProvider {
  #token?: { value: string; expiresAt: number };

  constructor(private readonly options: ClientCredentialsOptions) {}

  async headers(): Promise<Record<string, string>> {
    if (!this.#token || Date.now() > this.#token.expiresAt) this.#token = await this.#fetchToken();
    return { Authorization: `Bearer ${this.#token.value}` };
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #fetchToken(): Promise<{ value: string; expiresAt: number }> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret.reveal(),
    });
    if (this.options.scope) form.set('scope', this.options.scope);
    let body: unknown;
    try {
      ({ body } = await this.options.http().getJson(this.options.tokenUrl, {
        method: 'POST',
        auth: false,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }));
    } catch (error) {
      // Any 4xx from the token endpoint is a refusal (400 invalid_client / invalid_scope, 401): an
      // auth failure. Say what the endpoint said (error, AADSTS code, description), never the secret.
      if (error instanceof ConnectorError && error.status !== undefined && error.status >= 400 && error.status < 500) {
        const said = tokenEndpointAnswer(error.bodyExcerpt, this.options.clientSecret.reveal());
        throw new FatalConnectorError('AUTH_FAILURE', `token request for client ${this.options.clientId} to ${redactUrl(this.options.tokenUrl)} was rejected (HTTP ${error.status})${said.text}${hintFor(said)}`, {
          cause: error,
          status: error.status,
        });
      }
      throw error;
    }
    const token = body as { access_token?: unknown; expires_in?: unknown };
    if (typeof token.access_token !== 'string') {
      throw connectorError('AUTH_FAILURE', 'token endpoint returned no access_token');
    }
    const lifetimeS = typeof token.expires_in === 'number' ? token.expires_in : Number(token.expires_in ?? 3600);
    // Renew a minute early so a long page walk never sends an expired token.
    return { value: token.access_token, expiresAt: Date.now() + Math.max(0, lifetimeS - 60) * 1000 };
  }
}

export class BasicAuth implements AuthProvider {
  constructor(
    private readonly username: string,
    private readonly password: Secret,
  ) {}
  async headers(): Promise<Record<string, string>> {
    return { Authorization: `Basic ${Buffer.from(`${this.username}:${this.password.reveal()}`).toString('base64')}` };
  }
}

export interface TokenEndpointAnswer {
  error?: string;
  /** Entra's AADSTS code, from error_description or error_codes. */
  code?: string;
  description?: string;
  /** ": invalid_client AADSTS7000215: Invalid client secret provided." or "" when unreadable. */
  text: string;
}

/** The OAuth error body (RFC 6749 §5.2) as one line, with the secret cut out should it ever appear. */
export function tokenEndpointAnswer(body: string | undefined, secret: string): TokenEndpointAnswer {
  let parsed: { error?: unknown; error_description?: unknown; error_codes?: unknown };
  try {
    parsed = JSON.parse(body ?? '') as typeof parsed;
  } catch {
    return { text: '' };
  }
  const clean = (v: unknown) => (typeof v === 'string' && v ? (secret ? v.split(secret).join('[REDACTED]') : v) : undefined);
  const error = clean(parsed.error);
  // Entra's descriptions run on with "Trace ID: … Correlation ID: … Timestamp: …": the first line says it.
  const description = clean(parsed.error_description)?.split(/\r?\n/)[0]?.slice(0, 300);
  const codes = Array.isArray(parsed.error_codes) ? parsed.error_codes.filter((c): c is number => typeof c === 'number') : [];
  const code = /AADSTS\d+/.exec(description ?? '')?.[0] ?? (codes[0] !== undefined ? `AADSTS${codes[0]}` : undefined);
  const parts = [error, description && code && !description.includes(code) ? `${code}: ${description}` : (description ?? code)].filter(Boolean);
  return { ...(error ? { error } : {}), ...(code ? { code } : {}), ...(description ? { description } : {}), text: parts.length ? `: ${parts.join(' ')}` : '' };
}

// What to check for the refusals a new user meets first.
const HINTS: Record<string, string> = {
  AADSTS500011: 'the scope names a resource this tenant does not know: set sourceConfig.graphScope (default https://graph.microsoft.com/.default, or the national cloud of graphBaseUrl)',
  AADSTS7000215: 'the client secret is wrong or expired',
  AADSTS7000222: 'the client secret has expired',
  AADSTS700016: 'no application with this client id in the directory (wrong tenant or client id)',
  AADSTS90002: 'the directory (tenant) id is wrong',
  AADSTS70011: 'the scope is malformed: it must be a resource followed by /.default',
};

function hintFor(answer: TokenEndpointAnswer): string {
  const hint = answer.code ? HINTS[answer.code] : undefined;
  if (hint) return ` (${hint})`;
  return answer.error === 'invalid_client' || answer.error === undefined ? ' (check the client id and secret)' : '';
}

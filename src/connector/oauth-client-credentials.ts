import { connectorError, ConnectorError, FatalConnectorError } from './errors.ts';
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
      // The token endpoint answers 400 invalid_client / 401 for a wrong secret: that is an auth failure.
      if (error instanceof ConnectorError && (error.status === 400 || error.status === 401)) {
        throw new FatalConnectorError('AUTH_FAILURE', `token request for client ${this.options.clientId} was rejected (check the client id and secret)`, {
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

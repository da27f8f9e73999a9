import { createPrivateKey, sign } from 'node:crypto';
import { connectorError, ConnectorError } from '../../src/connector/errors.ts';
import type { AuthProvider, HttpClient } from '../../src/connector/http-client.ts';
import type { Secret } from '../../src/connector/secrets.ts';

// GitHub App installation authentication: a JWT (RS256, issued by the App, at most 10 minutes)
// proves the App; POST /app/installations/{id}/access_tokens turns it into an installation token
// (one hour), cached until a minute before it expires. The private key never leaves this object.

export function appJwt(appId: string, privateKeyPem: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  // iat 60 s in the past absorbs clock drift, as GitHub's documentation recommends.
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId })).toString('base64url');
  const key = createPrivateKey(privateKeyPem);
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

export class GitHubAppAuth implements AuthProvider {
  #token?: { value: string; expiresAt: number };

  constructor(
    private readonly options: { apiBaseUrl: string; appId: string; installationId: string; privateKey: Secret; http: () => HttpClient },
  ) {}

  async headers(): Promise<Record<string, string>> {
    if (!this.#token || this.#token.expiresAt - 60_000 <= Date.now()) this.#token = await this.#exchange();
    return { Authorization: `Bearer ${this.#token.value}` };
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #exchange(): Promise<{ value: string; expiresAt: number }> {
    let jwt: string;
    try {
      jwt = appJwt(this.options.appId, this.options.privateKey.reveal());
    } catch (cause) {
      throw connectorError('CONFIG_ERROR', 'github: the App private key is not a PEM RSA key (download it from the App settings → Private keys)', { cause });
    }
    const url = `${this.options.apiBaseUrl}/app/installations/${encodeURIComponent(this.options.installationId)}/access_tokens`;
    try {
      const { body } = await this.options.http().getJson(url, {
        method: 'POST',
        auth: false,
        headers: { Authorization: `Bearer ${jwt}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
      });
      const answer = body as { token?: unknown; expires_at?: unknown };
      if (typeof answer.token !== 'string') throw connectorError('AUTH_FAILURE', 'github: the installation token answer has no token');
      const expiresAt = Date.parse(String(answer.expires_at));
      return { value: answer.token, expiresAt: Number.isNaN(expiresAt) ? Date.now() + 3_000_000 : expiresAt };
    } catch (error) {
      if (error instanceof ConnectorError && (error.status === 401 || error.status === 404)) {
        throw connectorError('AUTH_FAILURE', `github: App ${this.options.appId} could not get a token for installation ${this.options.installationId} (HTTP ${error.status}: check the App id, the installation id and that the private key is the App's current one)`, { cause: error, status: error.status });
      }
      throw error;
    }
  }
}

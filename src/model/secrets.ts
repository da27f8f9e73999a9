// The one secret detector. The model refuses what it finds (secrets never reach the graph),
// connectors redact it from raw payloads, config loading refuses it at any depth of a connector
// entry, and exports (evidence packs, Kafka envelopes, audit records) redact and re-check with it.
// It looks at names (credential-like field names in any case and separator) and at values
// (PEM private keys, JWTs, connection strings with a password, well-known token prefixes).

// ---------------------------------------------------------------- names

/** Words that make a field name credential-like wherever they stand in it. */
const SECRET_WORDS = new Set([
  'secret', 'secrets', 'password', 'passwords', 'passwd', 'pwd', 'passphrase', 'passcode',
  'token', 'tokens', 'credential', 'credentials', 'cookie', 'cookies', 'bearer', 'authorization',
  'sas', 'jwt', 'apikey', 'apikeys', 'privatekey', 'accesskey', 'secretkey', 'connectionstring',
  'clientsecret', 'privkey',
]);

/** `<word> key` is a credential (api key, access key, private key …); `key` alone or `keyId` is not. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'shared', 'account', 'signing', 'master', 'client', 'subscription', 'storage', 'encryption', 'auth', 'x', 'session', 'hmac']);

/**
 * A name ending in one of these describes a credential without holding it: tokenEndpoint, keyId,
 * passwordLastSet, credentialSubtype, secretExpiresAt, tokenUrl …
 */
const DESCRIPTIVE_LAST = new Set([
  'id', 'ids', 'identifier', 'type', 'types', 'subtype', 'kind', 'name', 'names', 'url', 'uri', 'endpoint', 'endpoints',
  'expiry', 'expires', 'expiration', 'lifetime', 'ttl', 'set', 'at', 'on', 'date', 'time', 'length', 'count',
  'policy', 'policies', 'version', 'hint', 'ref', 'refs', 'reference', 'path', 'file', 'env', 'location', 'created',
  'updated', 'rotated', 'used', 'format', 'algorithm', 'alg', 'size', 'enabled', 'required', 'status', 'thumbprint',
  'fingerprint', 'provider', 'issuer', 'owner', 'label', 'description', 'mode', 'source', 'usage', 'scope', 'scopes',
  'audience', 'method', 'methods', 'flow', 'grant', 'days', 'age', 'rotation', 'strength', 'complexity', 'changed', 'reset',
]);

/** Single-word names (no case or separator to split on) that end in a credential word. */
const SQUASHED_ENDINGS = ['secret', 'secrets', 'password', 'passwd', 'passphrase', 'token', 'tokens', 'apikey', 'accesskey', 'privatekey', 'secretkey', 'connectionstring', 'credential', 'credentials', 'cookie'];

/** camelCase, PascalCase, snake_case, kebab-case, dotted and spaced names as lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// Field names repeat endlessly (every event, node and payload has the same few hundred), so each
// name is judged once. Bounded: a stream of distinct names (hostile input) only resets the cache.
const judged = new Map<string, boolean>();
const MAX_JUDGED = 50_000;

/** True for a field name that holds credential material (see the word lists above). */
export function isSecretName(name: string): boolean {
  let verdict = judged.get(name);
  // The cache changes how often a name is judged, never the verdict, so a mutant of these two
  // conditions gives the same answers and no test can tell them apart (equivalent mutants).
  // Stryker disable next-line ConditionalExpression: equivalent (judging again gives the same verdict)
  if (verdict === undefined) {
    verdict = judgeName(name);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (only the cache size changes)
    if (judged.size >= MAX_JUDGED) judged.clear();
    judged.set(name, verdict);
  }
  return verdict;
}

function judgeName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words.at(-1)!;
  if (DESCRIPTIVE_LAST.has(last) && words.length > 1) return false;
  if (words.length === 1) return SECRET_WORDS.has(last) || SQUASHED_ENDINGS.some((w) => last.length > w.length && last.endsWith(w));
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (SECRET_WORDS.has(w)) return true;
    if ((w === 'key' || w === 'keys') && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) return true;
    if (w === 'string' && words[i - 1] === 'connection') return true;
  }
  return false;
}

// ---------------------------------------------------------------- values

const VALUE_PATTERNS: readonly [what: string, pattern: RegExp][] = [
  ['a PEM private key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/],
  ['a JWT', /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/],
  ['a connection string with a password or key', /(?:^|;)\s*(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*=\s*[^;\s]/i],
  ['a URL with a password', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i],
  ['a SAS signature', /[?&]sig=[A-Za-z0-9%+/=]{16,}/],
  ['a bearer token', /^\s*bearer\s+[A-Za-z0-9._~+/-]{16,}=*\s*$/i],
  ['a GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/],
  ['a GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a Slack webhook', /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/],
  ['an AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['a Google OAuth token', /\bya29\.[0-9A-Za-z_-]{20,}/],
  ['a Stripe secret key', /\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}/],
  ['an OpenAI key', /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['a SendGrid key', /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/],
  ['an Authgraph API key', /\bagk_[a-z0-9]{8,32}_[A-Za-z0-9_-]{20,}/],
];

/** One cheap test first: most strings (names, ids, dates) contain none of these fragments. */
const MAYBE_SECRET = /-----BEGIN|eyJ|=|:\/\/|gh[pousr]_|github_pat_|glpat-|xox|hooks\.slack|AKIA|ASIA|AIza|ya29\.|_live_|_test_|sk-|npm_|SG\.|agk_|bearer/i;

/** What kind of credential a string looks like, or undefined when it looks like none. */
export function secretValueKind(value: string): string | undefined {
  if (value.length < 8 || !MAYBE_SECRET.test(value)) return undefined;
  for (const [what, pattern] of VALUE_PATTERNS) if (pattern.test(value)) return what;
  return undefined;
}

// ---------------------------------------------------------------- documents

export const REDACTED = '[REDACTED]';

export interface SecretFinding {
  path: (string | number)[];
  /** Why: "secret-named field" or "looks like a JWT" … */
  reason: string;
}

/** Material under a secret name: a string or number, or a list of them (objects are walked instead). */
function isSecretMaterial(value: unknown): boolean {
  if (typeof value === 'string') return value !== '' && value !== REDACTED;
  if (typeof value === 'number') return true;
  return Array.isArray(value) && value.some(isSecretMaterial);
}

/**
 * Every secret in a JSON-like value: a secret-named field holding material (a structure under
 * such a name, like Entra's passwordCredentials metadata, is walked instead), and any string that
 * looks like a credential. Iterative, so no input is too deep for it.
 */
export function findSecrets(value: unknown): SecretFinding[] {
  const found: SecretFinding[] = [];
  // A secret-named field is pushed as a finding, so findings come out in document order.
  const stack: { value: unknown; path: (string | number)[]; named?: true }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path, named } = stack.pop()!;
    if (named) {
      found.push({ path, reason: 'secret-named field' });
    } else if (typeof v === 'string') {
      const kind = secretValueKind(v);
      if (kind) found.push({ path, reason: `looks like ${kind}` });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v && typeof v === 'object' && !(v instanceof Date)) {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        stack.push({ value: child, path: [...path, k], ...(isSecretName(k) && isSecretMaterial(child) ? { named: true as const } : {}) });
      }
    }
  }
  return found;
}

/** Paths of every secret (findSecrets without the reasons). */
export function findSecretPaths(value: unknown): (string | number)[][] {
  return findSecrets(value).map((f) => f.path);
}

/** Beyond this nesting a value is replaced whole: redaction never recurses without bound. */
const REDACT_DEPTH = 256;

/**
 * Whether redactSecrets would replace anything in `value`: the same rules, without the copy. For hot
 * paths (the relay wraps every graph event) where a secret is the exception: copy only then.
 */
export function hasSecrets(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return secretValueKind(value) !== undefined;
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (depth > REDACT_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (hasSecrets(v, depth + 1)) return true;
    return false;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    if ((isSecretName(k) && isSecretMaterial(v)) || hasSecrets(v, depth + 1)) return true;
  }
  return false;
}

/** Deep copy with every secret (by name or by value) replaced by a marker. */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return (secretValueKind(value) ? REDACTED : value) as T;
  if (depth > REDACT_DEPTH) return REDACTED as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redactSecrets(v, depth + 1)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretName(k) && isSecretMaterial(v) ? REDACTED : redactSecrets(v, depth + 1);
    }
    return out as T;
  }
  return value;
}

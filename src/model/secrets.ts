// Which property names hold secret material. The model rejects such keys (secrets never reach the
// graph), and connectors redact them from raw payloads before anything is logged or stored.
// Names only: a value can't be recognised as secret reliably, a field name can.
const SECRET_KEY =
  /(^|_|-)(secret|secrettext|client_?secret|password|passwd|pwd|private_?key|access_?token|refresh_?token|id_?token|api_?key|bearer|authorization|cookie|credential_?value|hashed_?secret)$/i;

// Property names repeat across millions of nodes and events: each is judged once.
const judged = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let secret = judged.get(key);
  if (secret === undefined) {
    const squashed = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
    secret = SECRET_KEY.test(squashed) || SECRET_KEY.test(key);
    if (judged.size < 10_000) judged.set(key, secret);
  }
  return secret;
}

export const REDACTED = '[REDACTED]';

/** Deep copy with every secret-named field replaced by a marker. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : redactSecrets(v);
    }
    return out as T;
  }
  return value;
}

/** Paths of secret-named fields that carry a value (used by validation to reject input). */
export function findSecretPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecretPaths(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      isSecretKey(k) && v !== null && v !== undefined && v !== REDACTED
        ? [[...path, k]]
        : findSecretPaths(v, [...path, k]),
    );
  }
  return [];
}

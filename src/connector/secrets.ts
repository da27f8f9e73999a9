import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { REDACTED } from '../model/index.ts';
import { FatalConnectorError } from './errors.ts';

// Credentials are named in config and read at run time, from the environment or a secrets file
// (a JSON object of name → value). Config files never hold secret values, so they can be
// committed, logged and diffed.

export type SecretEnv = Record<string, string | undefined>;

export const SecretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env must be an environment variable name') }).strict(),
  z.object({ file: z.string().min(1).optional(), key: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRef>;

/**
 * A secret field in config: a reference, never the value. Inline strings get a message that says
 * how to fix the file instead of zod's generic union error.
 */
export function secretRefField(field: string, exampleEnv: string) {
  return z.unknown().transform((value, ctx): SecretRef => {
    if (typeof value === 'string') {
      ctx.addIssue({
        code: 'custom',
        message:
          `${field} must not be written inline in the config; name where to read it at run time, ` +
          `e.g. "${field}": { "env": "${exampleEnv}" } or { "file": "/run/secrets/authgraph.json", "key": "${exampleEnv}" }`,
      });
      return z.NEVER;
    }
    const parsed = SecretRef.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be { "env": "VAR_NAME" } or { "file": "path", "key": "name" }`,
      });
      return z.NEVER;
    }
    return parsed.data;
  });
}

/** A secret value that refuses to be printed: logs, JSON and errors show the marker. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

export interface SecretSource {
  env?: SecretEnv;
  secretsFile?: string;
}

export function resolveSecret(ref: SecretRef, source: SecretSource = {}): Secret {
  if ('env' in ref) {
    const value = (source.env ?? process.env)[ref.env];
    if (!value) {
      throw new FatalConnectorError(
        'CONFIG_ERROR',
        `environment variable ${ref.env} is not set; export it before the sync (the config names it as a secret)`,
      );
    }
    return new Secret(value);
  }
  const file = ref.file ?? source.secretsFile;
  if (!file) {
    throw new FatalConnectorError('CONFIG_ERROR', `secret "${ref.key}" names no file and no secretsFile is configured`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new FatalConnectorError('CONFIG_ERROR', `cannot read secrets file ${file}: it must be a JSON object of name → value`, { cause });
  }
  const value = (data as Record<string, unknown> | null)?.[ref.key];
  if (typeof value !== 'string' || !value) {
    throw new FatalConnectorError('CONFIG_ERROR', `secrets file ${file} has no string value for "${ref.key}"`);
  }
  return new Secret(value);
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DateTime, NonEmpty, parseOrThrow } from '../../model/index.ts';

// API keys (DESIGN decision 7): each is bound to one tenant and one role. Only the sha-256 of a
// key is stored; the key itself is shown once, when it is issued. A key reads
// `agk_<id>_<secret>`: the id finds the record without trying every hash, the secret (32 random
// bytes) is what makes it unguessable.

export const ROLES = ['reader', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** True when `role` may do what `required` may. */
export const roleAtLeast = (role: Role, required: Role) => ROLES.indexOf(role) >= ROLES.indexOf(required);

const KEY_ID = /^[a-z0-9]{8,32}$/;
const KEY_FORMAT = /^agk_([a-z0-9]{8,32})_([A-Za-z0-9_-]{20,128})$/;

export const ApiKeyRecord = z.object({
  id: z.string().regex(KEY_ID, 'key ids are 8–32 lower-case letters and digits'),
  tenantId: NonEmpty,
  role: Role,
  /** `sha256:` and the hex digest of the whole key. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'hash must be sha256:<64 hex digits>'),
  label: z.string().optional(),
  createdAt: DateTime.optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

export const ApiKeysFile = z.object({ keys: z.array(ApiKeyRecord) });

/** Who is calling: everything the API knows about the caller comes from the key. */
export interface Principal {
  keyId: string;
  tenantId: string;
  role: Role;
}

export const hashApiKey = (key: string) => `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;

/** A new key and the record to store for it. The key is returned once and never stored. */
export function issueApiKey(input: { tenantId: string; role: Role; label?: string }): { key: string; record: ApiKeyRecord } {
  const id = randomBytes(8).toString('hex');
  const key = `agk_${id}_${randomBytes(32).toString('base64url')}`;
  const record = ApiKeyRecord.parse({
    id,
    tenantId: input.tenantId,
    role: input.role,
    hash: hashApiKey(key),
    ...(input.label ? { label: input.label } : {}),
    createdAt: new Date().toISOString(),
  });
  return { key, record };
}

export class ApiKeyStore {
  private readonly byId = new Map<string, ApiKeyRecord>();

  constructor(records: Iterable<ApiKeyRecord> = []) {
    for (const r of records) this.add(r);
  }

  add(record: ApiKeyRecord): void {
    if (this.byId.has(record.id)) throw new Error(`duplicate API key id ${record.id}`);
    this.byId.set(record.id, record);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * For a refused key's audit record: the key id and tenant a well-formed key claims, when a key
   * with that id exists (its secret part may still be wrong). Never the key itself.
   */
  claimedBy(presented: string | undefined): { keyId: string; tenantId: string } | undefined {
    const match = presented ? KEY_FORMAT.exec(presented.trim()) : null;
    const record = match ? this.byId.get(match[1]!) : undefined;
    return record ? { keyId: record.id, tenantId: record.tenantId } : undefined;
  }

  /** The principal for a presented key, or null for a missing, malformed, unknown or wrong key. */
  authenticate(presented: string | undefined): Principal | null {
    const match = presented ? KEY_FORMAT.exec(presented.trim()) : null;
    const record = match ? this.byId.get(match[1]!) : undefined;
    if (!match || !record) return null;
    const expected = Buffer.from(record.hash, 'utf8');
    const actual = Buffer.from(hashApiKey(presented!.trim()), 'utf8');
    if (!timingSafeEqual(expected, actual)) return null;
    return { keyId: record.id, tenantId: record.tenantId, role: record.role };
  }
}

/** Records from a keys file (`{"keys": [...]}`); none when the file does not exist. */
export async function readKeysFile(path: string): Promise<ApiKeyRecord[]> {
  if (!existsSync(path)) return [];
  return parseOrThrow(ApiKeysFile, JSON.parse(await readFile(path, 'utf8')), `API keys file ${path}`).keys;
}

/** Adds a record to a keys file, creating it if needed; written via rename so it is never half. */
export async function appendToKeysFile(path: string, record: ApiKeyRecord): Promise<void> {
  const keys = [...(await readKeysFile(path)), record];
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Records from AUTHGRAPH_API_KEYS: the same JSON as a keys file, or a bare array. */
export function parseKeysEnv(text: string): ApiKeyRecord[] {
  const value = JSON.parse(text) as unknown;
  return parseOrThrow(ApiKeysFile, Array.isArray(value) ? { keys: value } : value, 'AUTHGRAPH_API_KEYS').keys;
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { parseOrThrow } from '../../model/index.ts';

// A scenario is a folder of recorded API responses (fixtures/<source>/<scenario>/) mirroring the
// request path, plus scenario.json: credentials the fake token endpoint accepts, faults to inject,
// and an optional base scenario whose files it inherits, so a scenario holds only what differs.

export const ReplayFault = z.object({
  /** Request path below the scenario prefix, e.g. "/v1.0/users"; a trailing "*" matches a prefix. */
  path: z.string().min(1),
  kind: z.enum(['status', 'hang', 'malformed']),
  status: z.number().int().min(400).max(599).optional(),
  /** Retry-After header value in seconds. */
  retryAfter: z.number().nonnegative().optional(),
  body: z.unknown().optional(),
  /** Inject this many times, then serve normally; absent = every time. */
  times: z.number().int().positive().optional(),
  /** Only on this page (0-based) of the collection. */
  page: z.number().int().nonnegative().optional(),
  /** Extra response headers, e.g. GitHub's `X-RateLimit-Remaining: 0` on a primary-limit 403. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Sets `X-RateLimit-Reset` to this many seconds after the answer (GitHub's primary limit). */
  resetInSeconds: z.number().nonnegative().optional(),
});
export type ReplayFault = z.infer<typeof ReplayFault>;

export const ScenarioFile = z.object({
  description: z.string().optional(),
  base: z.string().optional(),
  paging: z.enum(['odata', 'servicenow', 'github']).optional(),
  auth: z
    .object({
      tenantId: z.string().optional(),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      /** GitHub: a token (fine-grained PAT) the API accepts as `Bearer`. */
      githubToken: z.string().optional(),
      /** GitHub App id whose JWT may exchange for an installation token (key registered at run time). */
      githubAppId: z.string().optional(),
      githubInstallationId: z.string().optional(),
      /** Scopes the token endpoint grants (default: Microsoft Graph's, one per national cloud). */
      scopes: z.array(z.string()).optional(),
    })
    .optional(),
  faults: z.array(ReplayFault).default([]),
  /** Every collection answers with no records (the "empty response" scenario). */
  emptyCollections: z.boolean().default(false),
  /** Paths that answer as if the resource does not exist, overriding the base. */
  missing: z.array(z.string()).default([]),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;

export interface Scenario {
  source: string;
  name: string;
  dirs: string[];
  paging: 'odata' | 'servicenow' | 'github';
  auth: NonNullable<ScenarioFile['auth']>;
  faults: ReplayFault[];
  emptyCollections: boolean;
  missing: Set<string>;
}

const PAGING_BY_SOURCE: Record<string, Scenario['paging']> = { 'entra-id': 'odata', servicenow: 'servicenow', github: 'github' };

export function loadScenario(root: string, source: string, name: string, seen: string[] = []): Scenario {
  if (!/^[a-z0-9-]+$/.test(source) || !/^[a-z0-9-]+$/.test(name)) throw new Error(`bad scenario name ${source}/${name}`);
  const dir = join(root, source, name);
  const file = join(dir, 'scenario.json');
  if (!existsSync(file)) throw new Error(`no scenario ${source}/${name}: ${file} is missing`);
  const spec = parseOrThrow(ScenarioFile, JSON.parse(readFileSync(file, 'utf8')), file);
  if (seen.includes(name)) throw new Error(`scenario ${source}/${name}: base cycle ${[...seen, name].join(' → ')}`);
  const base = spec.base ? loadScenario(root, source, spec.base, [...seen, name]) : undefined;
  return {
    source,
    name,
    dirs: [dir, ...(base?.dirs ?? [])],
    paging: spec.paging ?? base?.paging ?? PAGING_BY_SOURCE[source] ?? 'odata',
    auth: { ...base?.auth, ...spec.auth },
    // Faults are not inherited: a scenario that builds on another states its own failures.
    faults: spec.faults,
    emptyCollections: spec.emptyCollections,
    missing: new Set([...spec.missing, ...(base?.missing ?? [])]),
  };
}

/** The JSON file for a request path, looked up through the base chain; undefined if none. */
export function fixtureFor(scenario: Scenario, path: string): unknown {
  if (scenario.missing.has(path)) return undefined;
  const relative = normalize(`${path.replace(/^\/+/, '')}.json`);
  if (relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
  for (const dir of scenario.dirs) {
    const file = join(dir, relative);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  return undefined;
}

/** A recorded file served as is (GitHub raw contents: workflow YAML, CODEOWNERS); undefined if none. */
export function rawFileFor(scenario: Scenario, path: string): string | undefined {
  if (scenario.missing.has(path)) return undefined;
  const relative = normalize(path.replace(/^\/+/, ''));
  if (relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
  for (const dir of scenario.dirs) {
    const file = join(dir, relative);
    if (existsSync(file) && statSync(file).isFile() && !file.endsWith('.json')) return readFileSync(file, 'utf8');
  }
  return undefined;
}

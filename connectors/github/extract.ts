import { readCollection } from '../../src/connector/collection.ts';
import type { CollectionSpec, Record_ } from '../../src/connector/collection.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import { DEFAULT_POLICY } from '../../src/connector/http-factory.ts';
import { ErrorLog } from '../../src/connector/partial-errors.ts';
import type { CollectionStatus, ConnectorConfig, ExtractOptions, RawEntity, RawExtraction, RawRelationship } from '../../src/connector/types.ts';
import { redactSecrets } from '../../src/model/index.ts';
import { gitHubApi } from './client.ts';
import type { GitHubApi } from './client.ts';
import type { GitHubSettings } from './config.ts';

// Full extraction of one organization over the REST API. Org-wide lists first (members, teams,
// App installations, token grants, org secrets), then per repository: workflows and their YAML,
// secrets and variables (names; variable values only to resolve `vars.X` client ids, never kept
// in the graph), environments with their protection rules and secrets, deploy keys, CODEOWNERS.
// A repository whose list fails marks that collection incomplete; the others go on.

const notApplicable = (error: ConnectorError): CollectionStatus['status'] | undefined =>
  error.status === 404 ? 'unavailable_not_applicable' : error.status === 403 ? 'unavailable_no_access' : undefined;

const SPECS: Record<string, CollectionSpec> = {
  members: { name: 'members', required: true, expectNonEmpty: true },
  outsideCollaborators: { name: 'outsideCollaborators', required: false },
  teams: { name: 'teams', required: false },
  installations: { name: 'installations', required: false, timestampField: 'created_at' },
  // Listing fine-grained token grants needs a GitHub App token; a PAT is refused (403).
  personalAccessTokens: { name: 'personalAccessTokens', required: false, classify: notApplicable },
  personalAccessTokenRequests: { name: 'personalAccessTokenRequests', required: false, classify: notApplicable },
  // Only organizations with SAML single sign-on have credential authorizations (404 otherwise).
  credentialAuthorizations: { name: 'credentialAuthorizations', required: false, classify: notApplicable },
  repositories: { name: 'repositories', required: true, timestampField: 'created_at' },
  orgSecrets: { name: 'orgSecrets', required: false, timestampField: 'created_at' },
  orgVariables: { name: 'orgVariables', required: false },
};

const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export async function extractGitHub(config: ConnectorConfig, settings: GitHubSettings, options: ExtractOptions, api: GitHubApi = gitHubApi(config, settings)): Promise<RawExtraction> {
  const started = Date.now();
  const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
  const log = new ErrorLog(config.maxPartialErrors ?? DEFAULT_POLICY.maxPartialErrors);
  const org = settings.sourceConfig.organization;
  const perPage = String(settings.sourceConfig.pageSize);
  const collections: Record<string, CollectionStatus> = {};
  const entities: RawEntity[] = [];
  const relationships: RawRelationship[] = [];
  const add = (sourceType: string, records: Record_[], id: (r: Record_) => string = (r) => String(r.id)) => {
    for (const r of records) entities.push({ sourceId: id(r), sourceType, properties: redactSecrets(r), extractedAt });
  };
  const progress = (collection: string, count: number) =>
    config.runtime?.onProgress?.({ connectorId: config.connectorId, phase: 'extract', collection, message: `${collection}: ${count}`, count });
  const read = async (name: string, pages: AsyncIterable<Record_[]>) => {
    const { records, status } = await readCollection(SPECS[name] as CollectionSpec, pages, log);
    collections[name] = status;
    progress(name, records.length);
    return records;
  };
  const list = (path: string, listKey?: string, query: Record<string, string> = {}) => api.pages(api.url(path, { per_page: perPage, ...query }), listKey);

  const orgInfo = (await api.getJson(api.url(`orgs/${org}`))) as Record_;
  add('organization', [orgInfo], () => org.toLowerCase());

  const members = await read('members', concat(
    tag(list(`orgs/${org}/members`, undefined, { role: 'admin' }), { orgRole: 'admin' }),
    tag(list(`orgs/${org}/members`, undefined, { role: 'member' }), { orgRole: 'member' }),
  ));
  add('member', members, (r) => String(r.login).toLowerCase());
  add('outsideCollaborator', await read('outsideCollaborators', list(`orgs/${org}/outside_collaborators`)), (r) => String(r.login).toLowerCase());

  const teams = await read('teams', list(`orgs/${org}/teams`));
  add('team', teams, (r) => String(r.slug));
  for (const team of teams) {
    const slug = String(team.slug);
    const teamMembers = await perItem(log, `team ${slug} members`, list(`orgs/${org}/teams/${encodeURIComponent(slug)}/members`));
    if (!teamMembers) markIncomplete(collections, 'teams', `members of ${slug} not read`);
    for (const m of teamMembers ?? []) relationships.push({ sourceId: String(m.login).toLowerCase(), targetId: slug, type: 'teamMember', properties: {}, extractedAt });
  }

  add('installation', (await read('installations', list(`orgs/${org}/installations`, 'installations'))).map(withPermissionList));
  // `token_expired` reads as a credential field to the detector; it is a flag, kept as `expired`.
  const tokenFields = ({ token_expired, ...r }: Record_) => ({ ...withPermissionList(r), expired: token_expired === true });
  add('personalAccessToken', (await read('personalAccessTokens', list(`orgs/${org}/personal-access-tokens`))).map(tokenFields));
  add('personalAccessTokenRequest', (await read('personalAccessTokenRequests', list(`orgs/${org}/personal-access-token-requests`))).map(tokenFields));
  add('credentialAuthorization', (await read('credentialAuthorizations', list(`orgs/${org}/credential-authorizations`))).map(authorizationFields), (r) => String(r.credential_id));

  const orgSecrets = await read('orgSecrets', list(`orgs/${org}/actions/secrets`, 'secrets'));
  for (const s of orgSecrets) {
    if (s.visibility !== 'selected') continue;
    const repos = await perItem(log, `org secret ${String(s.name)} repositories`, list(`orgs/${org}/actions/secrets/${encodeURIComponent(String(s.name))}/repositories`, 'repositories'));
    if (!repos) markIncomplete(collections, 'orgSecrets', `repositories of ${String(s.name)} not read`);
    s.selectedRepositories = (repos ?? []).map((r) => String(r.name));
  }
  add('secret', orgSecrets.map((s) => ({ ...s, scope: 'organization' })), (r) => `org/${String(r.name)}`);
  add('variable', (await read('orgVariables', list(`orgs/${org}/actions/variables`, 'variables'))).map((v) => ({ ...v, scope: 'organization' })), (r) => `org/${String(r.name)}`);

  const wanted = settings.sourceConfig.repositories ? new Set(settings.sourceConfig.repositories.map((r) => r.toLowerCase())) : undefined;
  const repos = (await read('repositories', list(`orgs/${org}/repos`, undefined, { type: 'all' }))).filter((r) => !wanted || wanted.has(String(r.name).toLowerCase()));
  add('repository', repos, (r) => String(r.full_name).toLowerCase());

  const perRepo = new PerRepoCollections(collections, collections.repositories?.complete === true);
  for (const repo of repos) {
    const full = String(repo.full_name);
    const path = (p: string) => `repos/${full}/${p}`;
    const repoKey = full.toLowerCase();

    const workflows = await perRepo.read('workflows', full, log, list(path('actions/workflows'), 'workflows'));
    for (const wf of workflows ?? []) {
      // A deleted workflow keeps its record but has no file to read.
      const content = wf.state === 'deleted' ? undefined : await perItemValue(log, `workflow file ${full}/${String(wf.path)}`, () => api.getFile(api.url(path(`contents/${String(wf.path)}`))));
      if (content === null) perRepo.fail('workflows', `${full}/${String(wf.path)} not read`);
      entities.push({ sourceId: `${repoKey}/${String(wf.path)}`, sourceType: 'workflow', properties: { ...redactSecrets(wf), repository: full, defaultBranch: repo.default_branch ?? 'main', ...(typeof content === 'string' ? { content } : {}) }, extractedAt });
    }
    const secrets = await perRepo.read('secrets', full, log, list(path('actions/secrets'), 'secrets'));
    add('secret', (secrets ?? []).map((s) => ({ ...s, scope: 'repository', repository: full })), (r) => `repo/${repoKey}/${String(r.name)}`);
    const variables = await perRepo.read('variables', full, log, list(path('actions/variables'), 'variables'));
    add('variable', (variables ?? []).map((v) => ({ ...v, scope: 'repository', repository: full })), (r) => `repo/${repoKey}/${String(r.name)}`);

    const environments = await perRepo.read('environments', full, log, list(path('environments'), 'environments'));
    for (const env of environments ?? []) {
      const name = String(env.name);
      add('environment', [{ ...env, repository: full }], () => `${repoKey}/${name}`);
      const envPath = path(`environments/${encodeURIComponent(name)}`);
      const envSecrets = await perRepo.read('secrets', full, log, list(`${envPath}/secrets`, 'secrets'));
      add('secret', (envSecrets ?? []).map((s) => ({ ...s, scope: 'environment', repository: full, environment: name })), (r) => `env/${repoKey}/${name}/${String(r.name)}`);
      const envVariables = await perRepo.read('variables', full, log, list(`${envPath}/variables`, 'variables'));
      add('variable', (envVariables ?? []).map((v) => ({ ...v, scope: 'environment', repository: full, environment: name })), (r) => `env/${repoKey}/${name}/${String(r.name)}`);
    }
    const keys = await perRepo.read('deployKeys', full, log, list(path('keys')));
    // The public key text adds nothing to an authority graph; only id, title and access are kept.
    add('deployKey', (keys ?? []).map(({ key: _publicKey, ...k }) => ({ ...k, repository: full })), (r) => `${repoKey}/${String(r.id)}`);

    let codeowners: string | undefined;
    let failed = false;
    for (const p of CODEOWNERS_PATHS) {
      const text = await perItemValue(log, `CODEOWNERS ${full}`, () => api.getFile(api.url(path(`contents/${p}`))));
      if (text === null) failed = true;
      if (typeof text === 'string') {
        codeowners = text;
        break;
      }
    }
    if (failed) perRepo.fail('codeowners', `${full}: CODEOWNERS not read`);
    else perRepo.ok('codeowners');
    if (codeowners !== undefined) entities.push({ sourceId: repoKey, sourceType: 'codeowners', properties: { repository: full, content: codeowners }, extractedAt });
  }
  perRepo.finish(['workflows', 'secrets', 'variables', 'environments', 'deployKeys', 'codeowners'], repos.length);

  // Every organization has at least one owner: no members at all means the token sees nothing
  // (or a proxy answered from nowhere), so no list of this run may delete anything.
  if (collections.members?.recordCount === 0) {
    for (const [name, c] of Object.entries(collections)) {
      if (c.complete) collections[name] = { ...c, complete: false, notes: 'the organization answered with no members: every list treated as incomplete' };
    }
  }
  const complete = Object.values(collections).every((c) => c.complete || c.status !== 'failed');
  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    sourceScope: `github.com/${org.toLowerCase()}`,
    syncMode: options.syncMode,
    entities,
    relationships,
    metadata: {
      apiCallCount: api.http.stats.apiCalls,
      totalEntitiesDiscovered: entities.length,
      paginationComplete: complete,
      ...(api.http.stats.rateLimitRemaining !== undefined ? { rateLimitRemaining: api.http.stats.rateLimitRemaining } : {}),
      errors: log.errors,
      warnings: [...log.warnings, ...(api.http.stats.rateLimitWaits ? [`waited ${api.http.stats.rateLimitWaits}x for the primary rate limit to reset`] : [])],
      collections,
      retries: api.http.stats.retries,
      durationMs: Date.now() - started,
    },
    deltaToken: encodeEtags(api.etags),
    transformSettings: { organization: org, oidcIssuer: settings.sourceConfig.oidcIssuer },
  };
}

/**
 * GitHub's permission maps name scopes `secrets`, `organization_personal_access_tokens` …: scope
 * names, not secrets, but the secret detector that guards raw records judges keys by name. They
 * become "scope: level" pairs before redaction, so the detector keeps guarding everything else.
 */
function withPermissionList(r: Record_): Record_ {
  const { permissions, ...rest } = r;
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries((permissions ?? {}) as Record_)) {
    if (v && typeof v === 'object') for (const [name, level] of Object.entries(v as Record_)) pairs.push([name, String(level)]);
    else pairs.push([k, String(v)]);
  }
  return { ...rest, permissionList: pairs.map(([name, level]) => `${name}:${level}`) };
}

/** Credential authorizations: the fields the graph needs under names that say what they hold (no token digits). */
function authorizationFields(r: Record_): Record_ {
  return {
    credential_id: r.credential_id,
    login: r.login,
    kind: r.credential_type,
    scopes: r.scopes,
    title: r.authorized_credential_title ?? null,
    note: r.authorized_credential_note ?? null,
    expires_at: r.authorized_credential_expires_at ?? null,
    accessed_at: r.credential_accessed_at ?? null,
    authorized_at: r.credential_authorized_at ?? null,
  };
}

/** Collections read once per repository: complete only when every repository's list was read. */
class PerRepoCollections {
  readonly #failed = new Map<string, string[]>();
  readonly #records = new Map<string, number>();
  constructor(
    private readonly collections: Record<string, CollectionStatus>,
    private readonly reposComplete: boolean,
  ) {}

  async read(name: string, repo: string, log: ErrorLog, pages: AsyncIterable<Record_[]>): Promise<Record_[] | undefined> {
    const records = await perItem(log, `${name} of ${repo}`, pages);
    if (!records) this.fail(name, `${repo}: not read`);
    else this.#records.set(name, (this.#records.get(name) ?? 0) + records.length);
    return records;
  }

  fail(name: string, note: string): void {
    this.#failed.set(name, [...(this.#failed.get(name) ?? []), note]);
  }

  ok(name: string): void {
    this.#records.set(name, this.#records.get(name) ?? 0);
  }

  finish(names: string[], repoCount: number): void {
    for (const name of names) {
      const failed = this.#failed.get(name) ?? [];
      const complete = failed.length === 0 && this.reposComplete;
      this.collections[name] = {
        collection: name,
        complete,
        status: failed.length ? 'failed' : 'available',
        recordCount: this.#records.get(name) ?? 0,
        ...(failed.length ? { notes: failed.slice(0, 5).join('; ') } : !this.reposComplete ? { notes: 'repository list incomplete' } : repoCount === 0 ? { notes: 'no repositories' } : {}),
      };
    }
  }
}

/** One item's list: a non-fatal failure is logged and gives undefined; fatal ones stop the run. */
async function perItem(log: ErrorLog, operation: string, pages: AsyncIterable<Record_[]>): Promise<Record_[] | undefined> {
  const out: Record_[] = [];
  try {
    for await (const page of pages) out.push(...page);
    return out;
  } catch (error) {
    if (!(error instanceof ConnectorError) || error.errorClass === 'FATAL') throw error;
    log.record(`read ${operation}`, error);
    return undefined;
  }
}

/** A single read: the value, undefined when absent, null when it failed (logged). */
async function perItemValue<T>(log: ErrorLog, operation: string, fn: () => Promise<T | undefined>): Promise<T | undefined | null> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof ConnectorError) || error.errorClass === 'FATAL') throw error;
    log.record(`read ${operation}`, error);
    return null;
  }
}

function markIncomplete(collections: Record<string, CollectionStatus>, name: string, note: string): void {
  const c = collections[name];
  if (c) collections[name] = { ...c, complete: false, status: 'failed', notes: c.notes ? `${c.notes}; ${note}` : note };
}

async function* concat(...sources: AsyncIterable<Record_[]>[]): AsyncGenerator<Record_[]> {
  for (const s of sources) yield* s;
}

async function* tag(pages: AsyncIterable<Record_[]>, extra: Record_): AsyncGenerator<Record_[]> {
  for await (const page of pages) yield page.map((r) => ({ ...r, ...extra }));
}

/** The delta token of an ETag-based incremental run: every URL read and its ETag. */
export function encodeEtags(etags: ReadonlyMap<string, string>): string {
  return Buffer.from(JSON.stringify({ v: 1, etags: Object.fromEntries(etags) })).toString('base64url');
}

export function decodeEtags(token: string | undefined): Map<string, string> | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { v?: number; etags?: Record<string, string> };
    return parsed.v === 1 && parsed.etags ? new Map(Object.entries(parsed.etags)) : undefined;
  } catch {
    return undefined;
  }
}

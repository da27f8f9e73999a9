import { parse } from 'yaml';

// What a GitHub Actions workflow file says about authority, read from its YAML (never run): the
// events that start it, the GITHUB_TOKEN permissions it asks for (id-token: write lets it mint an
// OIDC token), the secrets and variables it reads, and the cloud login steps with the client id
// they pass. Everything is names and ids; secret values never appear in a workflow file.

type R = Record<string, unknown>;

export interface WorkflowTrigger {
  event: string;
  branches?: string[];
  tags?: string[];
  cron?: string[];
}

/** Where a login input's value comes from: written in the file, a variable, a secret, or an expression. */
export interface InputSource {
  kind: 'literal' | 'variable' | 'secret' | 'expression' | 'absent';
  value?: string;
  name?: string;
}

export interface LoginStep {
  job: string;
  step: string;
  action: string;
  provider: 'azure' | 'aws' | 'gcp';
  /** OIDC (no stored secret) or a stored secret (client secret, credentials JSON). */
  mode: 'federated' | 'secret';
  clientId: InputSource;
  tenantId: InputSource;
  /** Secrets the step passes as credentials (client secret, creds JSON). */
  secretNames: string[];
  audience: string;
  /** The job's id-token permission: explicitly granted, left to the repository default, or not granted. */
  idToken: 'granted' | 'repository_default' | 'not_granted';
  environment?: string;
}

export interface WorkflowFacts {
  name?: string;
  triggers: WorkflowTrigger[];
  /** Workflow-level `permissions:` ("read-all", "write-all", or scope → level); undefined = repository default. */
  permissions?: string | Record<string, string>;
  idTokenWrite: boolean;
  secretsRead: string[];
  variablesRead: string[];
  environments: string[];
  logins: LoginStep[];
  reusableWorkflows: string[];
  parseError?: string;
}

const SECRET_REF = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;
const VAR_REF = /\bvars\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;

const LOGIN_ACTIONS: Array<{ prefix: string; provider: LoginStep['provider'] }> = [
  { prefix: 'azure/login@', provider: 'azure' },
  { prefix: 'aws-actions/configure-aws-credentials@', provider: 'aws' },
  { prefix: 'google-github-actions/auth@', provider: 'gcp' },
];
const DEFAULT_AUDIENCE: Record<LoginStep['provider'], string> = {
  azure: 'api://AzureADTokenExchange',
  aws: 'sts.amazonaws.com',
  gcp: 'https://iam.googleapis.com',
};

export function parseWorkflow(text: string): WorkflowFacts {
  const empty: WorkflowFacts = { triggers: [], idTokenWrite: false, secretsRead: [], variablesRead: [], environments: [], logins: [], reusableWorkflows: [] };
  let doc: unknown;
  try {
    // YAML 1.2 core schema: `on` stays the string "on" (YAML 1.1 would read it as true).
    doc = parse(text, { schema: 'core', uniqueKeys: false });
  } catch (error) {
    return { ...empty, parseError: (error as Error).message.split('\n')[0] ?? 'invalid YAML' };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ...empty, parseError: 'a workflow file is a YAML mapping' };
  const wf = doc as R;
  const strings = allStrings(wf);
  const secretsRead = refs(strings, SECRET_REF).filter((n) => n !== 'GITHUB_TOKEN');
  const variablesRead = refs(strings, VAR_REF);
  const permissions = permissionsOf(wf.permissions);
  const jobs = (wf.jobs && typeof wf.jobs === 'object' ? wf.jobs : {}) as Record<string, R>;
  const logins: LoginStep[] = [];
  const environments = new Set<string>();
  const reusable: string[] = [];
  let idTokenWrite = grantsIdToken(permissions) === 'granted';

  for (const [jobId, job] of Object.entries(jobs)) {
    if (!job || typeof job !== 'object') continue;
    const environment = environmentOf(job.environment);
    if (environment) environments.add(environment);
    if (typeof job.uses === 'string') reusable.push(job.uses);
    const jobPermissions = job.permissions === undefined ? permissions : permissionsOf(job.permissions);
    const idToken = grantsIdToken(jobPermissions);
    if (idToken === 'granted') idTokenWrite = true;
    const steps = Array.isArray(job.steps) ? (job.steps as R[]) : [];
    steps.forEach((step, index) => {
      if (!step || typeof step !== 'object') return;
      const stepName = typeof step.name === 'string' ? step.name : typeof step.id === 'string' ? step.id : `step ${index + 1}`;
      const login = loginOf(step, jobId, stepName, idToken, environment);
      if (login) logins.push(login);
      if (typeof step.run === 'string') logins.push(...azCliLogins(step.run, jobId, stepName, idToken, environment));
    });
  }
  return {
    ...(typeof wf.name === 'string' ? { name: wf.name } : {}),
    triggers: triggersOf(wf.on ?? wf.true),
    ...(permissions !== undefined ? { permissions } : {}),
    idTokenWrite,
    secretsRead,
    variablesRead,
    environments: [...environments].sort(),
    logins,
    reusableWorkflows: reusable,
  };
}

function triggersOf(on: unknown): WorkflowTrigger[] {
  if (typeof on === 'string') return [{ event: on }];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === 'string').map((event) => ({ event }));
  if (!on || typeof on !== 'object') return [];
  return Object.entries(on as R).map(([event, spec]) => {
    const s = (spec && typeof spec === 'object' ? spec : {}) as R;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined);
    const cron = Array.isArray(spec) ? spec.map((x) => String((x as R)?.cron ?? '')).filter(Boolean) : undefined;
    return {
      event,
      ...(list(s.branches) ? { branches: list(s.branches) } : {}),
      ...(list(s.tags) ? { tags: list(s.tags) } : {}),
      ...(cron?.length ? { cron } : {}),
    };
  });
}

function permissionsOf(value: unknown): string | Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value as R).map(([k, v]) => [k, String(v)]));
  return undefined;
}

function grantsIdToken(p: string | Record<string, string> | undefined): LoginStep['idToken'] {
  if (p === undefined) return 'repository_default';
  if (typeof p === 'string') return p === 'write-all' ? 'granted' : 'not_granted';
  return p['id-token'] === 'write' ? 'granted' : 'not_granted';
}

function environmentOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (value && typeof value === 'object' && typeof (value as R).name === 'string') return (value as R).name as string;
  return undefined;
}

/** A value written in `with:` — literal, `${{ vars.X }}`, `${{ secrets.X }}` or another expression. */
export function inputSource(value: unknown): InputSource {
  if (value === undefined || value === null || value === '') return { kind: 'absent' };
  const text = String(value).trim();
  const only = /^\$\{\{\s*(secrets|vars)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(text);
  if (only) return { kind: only[1] === 'secrets' ? 'secret' : 'variable', name: only[2] as string };
  if (text.includes('${{')) return { kind: 'expression', value: text };
  return { kind: 'literal', value: text };
}

function loginOf(step: R, job: string, stepName: string, idToken: LoginStep['idToken'], environment?: string): LoginStep | undefined {
  if (typeof step.uses !== 'string') return undefined;
  const uses = step.uses.toLowerCase();
  const match = LOGIN_ACTIONS.find((a) => uses.startsWith(a.prefix));
  if (!match) return undefined;
  const w = (step.with && typeof step.with === 'object' ? step.with : {}) as R;
  const creds = typeof w.creds === 'string' ? w.creds : undefined;
  const fromCreds = (key: string) => {
    const m = creds ? new RegExp(`"${key}"\\s*:\\s*"([^"]*)"`).exec(creds) : null;
    return m ? inputSource(m[1]) : undefined;
  };
  const secretInputs = [w['client-secret'], w['aws-secret-access-key'], w.credentials_json, creds].filter((v): v is string => typeof v === 'string');
  const secretNames = refs(secretInputs, SECRET_REF);
  const clientIdRaw = match.provider === 'azure' ? w['client-id'] : match.provider === 'aws' ? w['role-to-assume'] : w.service_account;
  const clientId = fromCreds('clientId') ?? inputSource(clientIdRaw);
  // The creds JSON names its client id inside the secret when it is one secret: unknown here.
  const mode: LoginStep['mode'] = secretNames.length > 0 || (match.provider === 'aws' && w['aws-access-key-id'] !== undefined) ? 'secret' : 'federated';
  return {
    job,
    step: stepName,
    action: step.uses,
    provider: match.provider,
    mode,
    clientId: creds && !fromCreds('clientId') ? { kind: 'absent' } : clientId,
    tenantId: fromCreds('tenantId') ?? inputSource(w['tenant-id']),
    secretNames,
    audience: typeof w.audience === 'string' ? w.audience : DEFAULT_AUDIENCE[match.provider],
    idToken,
    ...(environment ? { environment } : {}),
  };
}

/** `az login --service-principal -u <id> -p <secret> | --federated-token ...` in a run script. */
function azCliLogins(script: string, job: string, step: string, idToken: LoginStep['idToken'], environment?: string): LoginStep[] {
  const out: LoginStep[] = [];
  for (const line of script.split('\n')) {
    if (!/\baz\s+login\b[^\n]*--service-principal/.test(line)) continue;
    // A value is quoted, a whole `${{ … }}` expression (it contains spaces), or a bare word.
    const arg = (names: string) => new RegExp(`(?:^|\\s)(?:${names})[ =]+("[^"]*"|'[^']*'|\\$\\{\\{[^}]*\\}\\}|\\S+)`).exec(line)?.[1]?.replace(/^["']|["']$/g, '');
    const password = arg('-p|--password|--secret');
    const federated = /--federated-token/.test(line);
    out.push({
      job,
      step,
      action: 'az login',
      provider: 'azure',
      mode: federated ? 'federated' : 'secret',
      clientId: inputSource(arg('-u|--username')),
      tenantId: inputSource(arg('-t|--tenant')),
      secretNames: password ? refs([password], SECRET_REF) : [],
      audience: DEFAULT_AUDIENCE.azure,
      idToken,
      ...(environment ? { environment } : {}),
    });
  }
  return out;
}

function refs(strings: readonly string[], pattern: RegExp): string[] {
  const names = new Set<string>();
  for (const s of strings) for (const m of s.matchAll(pattern)) names.add((m[1] ?? m[2]) as string);
  return [...names].sort();
}

function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

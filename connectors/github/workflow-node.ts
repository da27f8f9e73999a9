import { toIso } from '../../src/connector/collection.ts';
import type { GraphBuilder } from '../../src/connector/graph-builder.ts';
import type { RawEntity } from '../../src/connector/types.ts';
import type { JsonValue, NormalizedNode } from '../../src/model/index.ts';
import { ownersOf } from './codeowners.ts';
import type { CodeownersRule } from './codeowners.ts';
import { AUTONOMOUS_EVENTS, triggerTypeOf } from './mappings.ts';
import { oidcClaimSets } from './oidc-claims.ts';
import { environmentSummary } from './environments.ts';
import { parseWorkflow } from './workflow.ts';
import type { InputSource, LoginStep, WorkflowFacts } from './workflow.ts';

// One Actions workflow → an automation (entry point: its triggers), its TRIGGERS_ON edge to the
// repository, USES edges to the secrets it reads (resolved by name as Actions does), OWNED_BY its
// CODEOWNERS, and the cloud logins it performs with the OIDC subjects its tokens can carry.

type R = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export interface WorkflowContext {
  issuer: string;
  repos: Map<string, R>;
  variables: Map<string, string>;
  codeowners: Map<string, CodeownersRule[]>;
  secretsByScope: Map<string, string>;
  environments: Map<string, R>;
  ensurePerson: (login: string, why: string) => string;
}

export function workflowNode(b: GraphBuilder, e: RawEntity, ctx: WorkflowContext): void {
  const p = e.properties;
  const fullName = String(p.repository);
  const repoKey = fullName.toLowerCase();
  const repo = ctx.repos.get(repoKey);
  const path = String(p.path);
  const defaultBranch = str(repo?.default_branch) ?? str(p.defaultBranch) ?? 'main';
  const text = str(p.content);
  const facts: WorkflowFacts | undefined = text !== undefined ? parseWorkflow(text) : undefined;
  const events = facts?.triggers.map((t) => t.event) ?? [];
  const state = String(p.state ?? 'active');
  const logins = (facts?.logins ?? []).map((login) => loginProperties(login, facts as WorkflowFacts, { fullName, defaultBranch }, path, ctx));
  const node = b.node({
    nodeType: 'automation',
    sourceId: `workflow/${e.sourceId}`,
    displayName: `${fullName}: ${facts?.name ?? str(p.name) ?? path}`,
    status: state === 'active' ? 'active' : state === 'deleted' ? 'deleted' : 'disabled',
    ...(toIso(p.created_at) ? { createdAt: toIso(p.created_at) } : {}),
    ...(toIso(p.updated_at) ? { lastModifiedAt: toIso(p.updated_at) } : {}),
    properties: {
      automationSubtype: 'ci_workflow',
      executionMode: events.some((ev) => AUTONOMOUS_EVENTS.has(ev)) ? 'autonomous' : events.length ? 'human_triggered' : 'unknown',
      securityRelevance: logins.length ? 'active_external' : (facts?.secretsRead.length ?? 0) > 0 ? 'dormant_authority' : 'internal_inventory',
      ownershipState: 'unattributed',
      chainMembership: { role: 'entry_point', anchorEntityId: `workflow/${e.sourceId}`, chainSemanticHash: `trigger-${events.join('+') || 'none'}` },
      repository: fullName,
      path,
      workflowState: state,
      triggers: (facts?.triggers ?? []) as unknown as JsonValue,
      // GITHUB_TOKEN scopes as "scope: level" text: the scope names (id-token, secrets) are not secrets.
      workflowPermissions: permissionList(facts?.permissions),
      oidcGranted: facts?.idTokenWrite ?? false,
      secretNames: facts?.secretsRead ?? [],
      variableNames: facts?.variablesRead ?? [],
      environments: facts?.environments ?? [],
      oidcLogins: logins.filter((l) => l.mode === 'federated') as unknown as JsonValue,
      staticLogins: logins.filter((l) => l.mode === 'secret') as unknown as JsonValue,
      reusableWorkflows: facts?.reusableWorkflows ?? [],
      ...(facts?.parseError ? { parseError: facts.parseError } : {}),
      ...(text === undefined && state !== 'deleted' ? { fileUnread: true } : {}),
    },
  });
  if (repo) {
    const triggers = facts?.triggers ?? [];
    const first = triggers.find((t) => AUTONOMOUS_EVENTS.has(t.event)) ?? triggers[0];
    const cron = triggers.flatMap((t) => t.cron ?? []);
    b.edge('TRIGGERS_ON', node.nodeId, b.id(`repo/${repoKey}`), `repos/${fullName}/actions/workflows/${String(p.id)}`, {
      triggerType: first ? triggerTypeOf(first.event) : 'manual',
      ...(cron.length ? { schedule: cron.join('; ') } : {}),
      events,
    });
  }
  // The secrets it reads, resolved as Actions does: environment, then repository, then organization.
  const jobEnvs = facts?.environments ?? [];
  for (const name of facts?.secretsRead ?? []) {
    const candidates = [...jobEnvs.map((env) => `env/${repoKey}/${env}/${name}`), `repo/${repoKey}/${name}`, `org/${name}`];
    for (const key of candidates) {
      const id = ctx.secretsByScope.get(key);
      if (!id || !visibleTo(b.nodes.get(id), fullName)) continue;
      const pairedClientIds = logins.filter((l) => l.mode === 'secret' && l.secretNames.includes(name) && l.clientId).map((l) => l.clientId as string);
      b.edge('USES', node.nodeId, id, `${fullName}/${path}: secrets.${name}`, { secretName: name, ...(pairedClientIds.length ? { pairedClientIds } : {}) });
      const secret = b.nodes.get(id);
      if (secret?.nodeType === 'credential' && pairedClientIds.length) {
        const before = Array.isArray(secret.properties.pairedClientIds) ? (secret.properties.pairedClientIds as string[]) : [];
        secret.properties.pairedClientIds = [...new Set([...before, ...pairedClientIds])].sort();
        secret.properties.clientIdEvidence = `passed beside it as the client id in ${fullName}/${path}`;
      }
      break; // the nearest scope wins, as Actions resolves a name
    }
  }
  // Who answers for the workflow file: CODEOWNERS people (teams are kept as a property).
  const owners = ownersOf(ctx.codeowners.get(repoKey) ?? [], path);
  const teams = owners.filter((o) => o.startsWith('@') && o.includes('/'));
  for (const o of owners.filter((x) => x.startsWith('@') && !x.includes('/'))) {
    const login = o.slice(1);
    b.edge('OWNED_BY', node.nodeId, ctx.ensurePerson(login, `CODEOWNERS of ${fullName}`), `${fullName}/CODEOWNERS: ${path}`);
  }
  if (teams.length && node.nodeType === 'automation') node.properties.codeownerTeams = teams;
}

interface LoginProperties {
  [key: string]: JsonValue | undefined;
  job: string;
  step: string;
  action: string;
  provider: string;
  mode: 'federated' | 'secret';
  clientId?: string;
  clientIdFrom: string;
  tenantId?: string;
  audience: string;
  issuer: string;
  oidcPermission: string;
  secretNames: string[];
  environment?: string;
  claimSets: JsonValue;
}

function loginProperties(login: LoginStep, facts: WorkflowFacts, repo: { fullName: string; defaultBranch: string }, path: string, ctx: WorkflowContext): LoginProperties {
  const value = (src: InputSource): { value?: string; from: string } => {
    if (src.kind === 'literal') return { value: src.value as string, from: 'literal' };
    if (src.kind === 'variable') {
      const repoKey = repo.fullName.toLowerCase();
      const v = (login.environment ? ctx.variables.get(`env/${repoKey}/${login.environment}/${src.name}`) : undefined)
        ?? ctx.variables.get(`repo/${repoKey}/${src.name}`)
        ?? ctx.variables.get(`org/${src.name}`);
      return v ? { value: v, from: `variable ${src.name}` } : { from: `variable ${src.name} (not found)` };
    }
    if (src.kind === 'secret') return { from: `secret ${src.name} (value unreadable)` };
    return { from: src.kind === 'expression' ? `expression ${src.value}` : 'absent' };
  };
  const client = value(login.clientId);
  const tenant = value(login.tenantId);
  return {
    job: login.job,
    step: login.step,
    action: login.action,
    provider: login.provider,
    mode: login.mode,
    ...(client.value ? { clientId: client.value } : {}),
    clientIdFrom: client.from,
    ...(tenant.value ? { tenantId: tenant.value } : {}),
    audience: login.audience,
    issuer: ctx.issuer,
    oidcPermission: login.idToken,
    secretNames: login.secretNames,
    ...(login.environment ? { environment: login.environment } : {}),
    ...(login.environment ? { environmentProtection: protectionOf(ctx.environments.get(`${repo.fullName.toLowerCase()}/${login.environment}`)) } : {}),
    claimSets: (login.mode === 'federated' ? oidcClaimSets(login, facts, repo, path) : []) as unknown as JsonValue,
  };
}

/** An org secret is visible to a repository by its visibility (all, private, selected). */
function visibleTo(secret: NormalizedNode | undefined, fullName: string): boolean {
  if (!secret || secret.nodeType !== 'credential' || secret.properties.secretScope !== 'organization') return Boolean(secret);
  if (secret.properties.visibility === 'selected') {
    const selected = secret.properties.selectedRepositories;
    return Array.isArray(selected) && selected.map(String).includes(fullName.split('/')[1] ?? '');
  }
  return true;
}

/** Workflow `permissions:` as a list: ["read-all"], ["contents: read", "id-token: write"], or ["repository default"]. */
function permissionList(p: WorkflowFacts['permissions']): string[] {
  if (p === undefined) return ['repository default'];
  if (typeof p === 'string') return [p];
  return Object.entries(p).map(([scope, level]) => `${scope}: ${level}`);
}

/** What stands between the workflow and its login: the environment's reviewers, wait and branch policy (none when the environment is not configured). */
function protectionOf(env: R | undefined): JsonValue {
  return env ? environmentSummary(env) : { name: null, requiredReviewers: [], waitTimerMinutes: 0, branchPolicy: 'any', note: 'environment not configured: created on first use, unprotected' };
}

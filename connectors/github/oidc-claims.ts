import type { LoginStep, WorkflowFacts } from './workflow.ts';

// The OIDC tokens a workflow job can present (GitHub's default `sub` claim template):
//   job with an environment          repo:<owner>/<repo>:environment:<name>
//   pull_request(_target) events     repo:<owner>/<repo>:pull_request
//   otherwise, by the run's ref      repo:<owner>/<repo>:ref:refs/heads/<branch> | refs/tags/<tag>
// A branch filter with wildcards gives a pattern (GitHub filter syntax), not one subject; events
// that run on the default branch give it, and `workflow_dispatch` is assumed to run there (any
// branch may be chosen by whoever dispatches it), which the basis says.

export interface OidcClaimSet {
  sub: string;
  /** `sub` is a GitHub filter pattern (`*` within a path segment, `**` across them). */
  pattern: boolean;
  basis: string;
  claims: Record<string, string>;
}

const DEFAULT_BRANCH_EVENTS = new Set(['schedule', 'workflow_run', 'repository_dispatch', 'issues', 'issue_comment', 'check_run', 'check_suite', 'deployment', 'status', 'page_build', 'registry_package', 'watch', 'fork', 'label', 'milestone', 'discussion']);

export function oidcClaimSets(login: LoginStep, facts: WorkflowFacts, repo: { fullName: string; defaultBranch: string }, workflowPath: string): OidcClaimSet[] {
  const [owner = ''] = repo.fullName.split('/');
  const base = (ref: string | undefined, event: string) => ({
    repository: repo.fullName,
    repository_owner: owner,
    event_name: event,
    job_workflow_ref: `${repo.fullName}/${workflowPath}@${ref ?? `refs/heads/${repo.defaultBranch}`}`,
    ...(ref ? { ref } : {}),
  });
  const sets: OidcClaimSet[] = [];
  const seen = new Set<string>();
  const push = (s: OidcClaimSet) => {
    if (seen.has(s.sub)) return;
    sets.push(s);
    seen.add(s.sub);
  };
  for (const trigger of facts.triggers) {
    const event = trigger.event;
    if (event === 'workflow_call') continue; // a reusable workflow presents its caller's claims
    if (login.environment) {
      const sub = `repo:${repo.fullName}:environment:${login.environment}`;
      push({ sub, pattern: false, basis: `job ${login.job} deploys to environment ${login.environment}`, claims: { sub, environment: login.environment, ...base(undefined, event) } });
      continue;
    }
    if (event === 'pull_request' || event === 'pull_request_target') {
      const sub = `repo:${repo.fullName}:pull_request`;
      push({ sub, pattern: false, basis: `${event} event`, claims: { sub, ...base(undefined, event) } });
      continue;
    }
    const refs: Array<{ ref: string; basis: string }> = [];
    if (event === 'push') {
      for (const b of trigger.branches ?? []) refs.push({ ref: `refs/heads/${b}`, basis: `push to branch ${b}` });
      for (const t of trigger.tags ?? []) refs.push({ ref: `refs/tags/${t}`, basis: `push of tag ${t}` });
      if (!trigger.branches && !trigger.tags) refs.push({ ref: 'refs/heads/**', basis: 'push to any branch' }, { ref: 'refs/tags/**', basis: 'push of any tag' });
    } else if (event === 'release') {
      refs.push({ ref: 'refs/tags/**', basis: 'release (its tag)' });
    } else if (event === 'merge_group') {
      refs.push({ ref: 'refs/heads/gh-readonly-queue/**', basis: 'merge queue' });
    } else if (event === 'workflow_dispatch') {
      refs.push({ ref: `refs/heads/${repo.defaultBranch}`, basis: 'manual dispatch, assumed on the default branch' });
    } else if (DEFAULT_BRANCH_EVENTS.has(event)) {
      refs.push({ ref: `refs/heads/${repo.defaultBranch}`, basis: `${event} runs on the default branch` });
    } else {
      refs.push({ ref: `refs/heads/${repo.defaultBranch}`, basis: `${event}, assumed on the default branch` });
    }
    for (const { ref, basis } of refs) {
      const sub = `repo:${repo.fullName}:ref:${ref}`;
      const pattern = /[*?[\]+!]/.test(ref);
      push({ sub, pattern, basis, claims: { sub, ...base(ref, event), ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch' } });
    }
  }
  return sets;
}

import type { JsonValue } from '../../src/model/index.ts';

// GitHub environments (repos/{o}/{r}/environments): the protection between a workflow job and
// the secrets or cloud login of that environment.

type R = Record<string, unknown>;

/** Who must approve a deployment, how long it waits, which branches may deploy. */
export function environmentSummary(env: R): JsonValue {
  const rules = Array.isArray(env.protection_rules) ? (env.protection_rules as R[]) : [];
  const reviewers = rules.flatMap((r) => (Array.isArray(r.reviewers) ? (r.reviewers as R[]) : [])).map((r) => {
    const who = (r.reviewer ?? {}) as R;
    return String(who.login ?? who.slug ?? who.name ?? 'unknown');
  });
  const policy = (env.deployment_branch_policy ?? null) as R | null;
  return {
    name: String(env.name),
    requiredReviewers: reviewers,
    waitTimerMinutes: Number(rules.find((r) => r.type === 'wait_timer')?.wait_timer ?? 0),
    branchPolicy: policy ? (policy.protected_branches ? 'protected_branches' : policy.custom_branch_policies ? 'custom' : 'any') : 'any',
  };
}

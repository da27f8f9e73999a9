import { SOURCE_SYSTEMS } from '../model/index.ts';
import type { NormalizedNode, SourceSystem } from '../model/index.ts';

// Which automations start an execution chain (issue 12). A chain starts at something that runs
// by itself: a trigger (business rule, scheduled job, flow, …) or a workload holding its own
// credential. Library code (a script include, any "called only" kind) runs only when something
// calls it: a path from it that nothing calls is a latent path, not an execution chain.
//
// The one place that says so, per source. A connector adding automation subtypes adds its row
// here; a source without a row uses DEFAULT_STARTS. Identities are not in these tables: a workload
// identity holds its own credential and runs by itself, so the chains it starts across systems
// (inbound OAuth, inbound-chains.ts) are entry-point chains by nature.

export type AutomationStart =
  /** Fires on its own: a trigger, a schedule, an event, a workload with its own credential. */
  | 'entry_point'
  /** Runs only when another automation calls it (library code). */
  | 'called_only';

export type StartTable = Readonly<Record<string, AutomationStart>>;

/** For sources without their own row: the subtypes' platform-neutral meaning. */
export const DEFAULT_STARTS: StartTable = {
  business_rule: 'entry_point',
  scheduled_job: 'entry_point',
  flow_designer_flow: 'entry_point',
  event_script: 'entry_point',
  transform_map: 'entry_point',
  script_include: 'called_only',
  ci_workflow: 'entry_point',
};

export const ENTRY_POINTS: Partial<Record<SourceSystem, StartTable>> = {
  servicenow: {
    business_rule: 'entry_point', // sys_script: fires on a table operation
    scheduled_job: 'entry_point', // sysauto_script: fires on its schedule
    flow_designer_flow: 'entry_point', // sys_hub_flow: fires on its trigger
    event_script: 'entry_point', // sysevent_script_action: fires on an event
    transform_map: 'entry_point', // sys_transform_map: runs on every import into its table
    script_include: 'called_only', // sys_script_include: a class other scripts instantiate
  },
  github: {
    // An Actions workflow runs on its triggers (push, pull_request, schedule, dispatch …); a
    // reusable workflow (`on: workflow_call`) runs as part of its caller's run, under its claims.
    ci_workflow: 'entry_point',
  },
};

/**
 * How an automation starts. A subtype no table names counts as an entry point: reporting a chain
 * that may need a caller is safer than hiding one that runs.
 */
export function automationStart(node: NormalizedNode): AutomationStart {
  if (node.nodeType !== 'automation') return 'entry_point';
  const table = ENTRY_POINTS[node.sourceSystem] ?? DEFAULT_STARTS;
  return table[node.properties.automationSubtype] ?? 'entry_point';
}

export const isEntryPoint = (node: NormalizedNode): boolean => automationStart(node) === 'entry_point';

/**
 * Every `sourceSystem:automationSubtype` that starts no chain (called only), for stores that count
 * chains themselves (StorageAdapter.postureCounts): the same table, handed over as data.
 */
export function calledOnlyStarts(): string[] {
  return SOURCE_SYSTEMS.flatMap((source) =>
    Object.entries(ENTRY_POINTS[source] ?? DEFAULT_STARTS)
      .filter(([, start]) => start === 'called_only')
      .map(([subtype]) => `${source}:${subtype}`),
  );
}

import { makeNodeId } from '../../src/model/index.ts';
import type { RawExtraction, ResolverHints } from '../../src/connector/types.ts';
import { SYSTEM_IDENTITY_ID } from './transform.ts';

// What the resolver needs from ServiceNow beyond the graph: script bodies (for CALLS / INVOKES by
// text), run-as settings (RUNS_AS) and business-rule tables (TRIGGERS_ON).

const SCRIPTED = ['sys_script', 'sys_script_include', 'sysauto_script'];

export function serviceNowResolverHints(raw: RawExtraction): ResolverHints {
  const id = (sourceId: string) => makeNodeId('servicenow', raw.sourceScope, sourceId);
  const hints: ResolverHints = { scripts: [], runAs: [], triggers: [] };
  for (const e of raw.entities) {
    const p = e.properties;
    const nodeId = id(`${e.sourceType}/${e.sourceId}`);
    if (SCRIPTED.includes(e.sourceType) && typeof p.script === 'string' && p.script) {
      hints.scripts.push({ nodeId, field: `${e.sourceType}.script`, text: p.script });
    }
    if (e.sourceType === 'sysauto_script' && typeof p.run_as === 'string' && p.run_as) {
      hints.runAs.push({ nodeId, runAs: id(`sys_user/${p.run_as}`), runAsType: 'configured' });
    }
    if (e.sourceType === 'sys_hub_flow') {
      // Flow Designer: "system" runs with full rights; "user" runs as whoever triggered it.
      if (p.run_as === 'system') hints.runAs.push({ nodeId, runAs: id(SYSTEM_IDENTITY_ID), runAsType: 'system' });
    }
    if (e.sourceType === 'sys_script' && typeof p.collection === 'string' && p.collection) {
      const actions = ['insert', 'update', 'delete', 'query'].filter((a) => p[`action_${a}`] === 'true' || p[`action_${a}`] === true);
      hints.triggers.push({
        nodeId,
        table: id(`sys_db_object/${p.collection}`),
        triggerType: 'event',
        detail: `${String(p.when ?? 'after')} ${actions.join('/') || 'none'} on ${p.collection}`,
      });
    }
  }
  return hints;
}

import type { NormalizedEdge, NormalizedNode, ResolverHints } from '../model/index.ts';
import { resolvedEdge } from './resolved-edge.ts';
import { findScriptReferences } from './script-references.ts';

// Edges inside one ServiceNow instance that only the script text or a reference field reveals
// (seed 003 resolve_caller_edges / resolve_indirect_caller_edges):
//   automation --CALLS-->   script include  (`new EntraDirectorySync()`), the indirect path to a REST call
//   automation --INVOKES--> REST message    (`new sn_ws.RESTMessageV2('Name', 'method')`)
//   automation --RUNS_AS--> user / system   (sysauto_script.run_as, sys_hub_flow.run_as)
//   business rule --TRIGGERS_ON--> table    (sys_script.collection)

export function resolveCallerEdges(nodes: ReadonlyMap<string, NormalizedNode>, hints: ResolverHints): NormalizedEdge[] {
  const includes = new Map<string, NormalizedNode>();
  const messages = new Map<string, NormalizedNode>();
  for (const n of nodes.values()) {
    if (n.nodeType === 'automation' && n.properties.automationSubtype === 'script_include') {
      includes.set(n.displayName, n);
      const api = n.properties.apiName;
      if (typeof api === 'string' && api) includes.set(api, n);
    }
    if (n.nodeType === 'connection' && (n.properties.connectionSubtype === 'rest_message' || n.properties.connectionSubtype === 'soap_message')) {
      messages.set(n.displayName, n);
    }
  }
  const edges: NormalizedEdge[] = [];
  const push = (e: NormalizedEdge | undefined) => e && edges.push(e);

  for (const script of hints.scripts) {
    const from = nodes.get(script.nodeId);
    if (!from) continue;
    const refs = findScriptReferences(script.text);
    for (const name of refs.classes) {
      const target = includes.get(name) ?? includes.get(name.split('.').pop() ?? name);
      if (!target || target.nodeId === from.nodeId) continue;
      push(resolvedEdge('CALLS', from, target, {
        rule: 'script_text_script_include',
        detail: `${script.field} of "${from.displayName}" references ${name}`,
        sourceRecordIds: [from.sourceId, target.sourceId],
      }, { callType: 'include' }));
    }
    for (const call of refs.restCalls) {
      const target = messages.get(call.message);
      if (!target) continue;
      const methods = Array.isArray(target.properties.methods) ? (target.properties.methods as Array<{ name?: string; httpMethod?: string }>) : [];
      const httpMethod = methods.find((m) => m.name === call.method)?.httpMethod;
      push(resolvedEdge('INVOKES', from, target, {
        rule: 'script_text_rest_message',
        detail: `${script.field} of "${from.displayName}" calls sn_ws.${call.kind === 'soap' ? 'SOAPMessageV2' : 'RESTMessageV2'}('${call.message}'${call.method ? `, '${call.method}'` : ''})`,
        sourceRecordIds: [from.sourceId, target.sourceId],
      }, { ...(httpMethod ? { httpMethod } : {}), ...(call.method ? { restMethod: call.method } : {}) }));
    }
  }
  for (const hint of hints.runAs) {
    const from = nodes.get(hint.nodeId);
    const to = nodes.get(hint.runAs);
    if (!from || !to) continue;
    push(resolvedEdge('RUNS_AS', from, to, { rule: 'run_as_field', detail: `"${from.displayName}" runs as ${to.displayName}`, sourceRecordIds: [from.sourceId, to.sourceId] }, { runAsType: hint.runAsType }));
  }
  for (const hint of hints.triggers) {
    const from = nodes.get(hint.nodeId);
    const to = nodes.get(hint.table);
    if (!from || !to) continue;
    push(resolvedEdge('TRIGGERS_ON', from, to, { rule: 'business_rule_table', detail: hint.detail ?? `triggers on ${to.displayName}`, sourceRecordIds: [from.sourceId] }, {
      triggerType: hint.triggerType,
      ...(hint.schedule ? { schedule: hint.schedule } : {}),
    }));
  }
  return edges;
}

import type { GraphEvent, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { html } from './html.ts';
import type { HtmlValue, SafeHtml } from './html.ts';
import type { EvidencePack, PackChain, PackHop, PackOwnership, PackPrivileges } from './pack.ts';
import { REPORT_CSS } from './report-css.ts';

// The reviewer's view of a pack: one self-contained HTML file (inline CSS, no scripts, no external
// assets; the CSP forbids both), the chain drawn as hop-by-hop boxes with each edge's evidence and
// each accountable node's ownership beside it. Everything comes from the pack, through `html`.

const SUBTYPE_KEYS = ['automationSubtype', 'identitySubtype', 'connectionSubtype', 'credentialSubtype', 'roleSubtype', 'resourceSubtype'];
/** Edge properties shown in the evidence block, so the raw table leaves them out. */
const EVIDENCE_KEYS = new Set(['provenance', 'evidenceReferences', 'sourceEvidence']);

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
const sortedEntries = (obj: object) => Object.entries(obj).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const anchor = (id: string) => `c-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function kindOf(node: NormalizedNode): string {
  const props = node.properties as Record<string, unknown>;
  const subtype = SUBTYPE_KEYS.map((k) => props[k]).find((v) => typeof v === 'string') as string | undefined;
  return [node.nodeType, subtype].filter(Boolean).join(' · ').replaceAll('_', ' ');
}

function table(rows: readonly (readonly [string, unknown])[], className = 'props'): SafeHtml | '' {
  if (!rows.length) return '';
  return html`<table class="${className}"><tbody>${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${text(v)}</td></tr>`)}</tbody></table>`;
}

const badge = (label: string, tone = label) => html`<span class="badge badge-${tone.replace(/[^a-z_]/g, '')}">${label}</span>`;

export function renderReport(pack: EvidencePack, options: { packSha256: string }): string {
  const nodes = new Map(pack.nodes.map((n) => [n.nodeId, n]));
  const ownership = new Map(pack.ownership.map((o) => [o.nodeId, o]));
  const nameOf = (id: string) => nodes.get(id)?.displayName ?? id;
  const subject =
    pack.subject.kind === 'chain'
      ? `Execution chain ${pack.subject.chainId}`
      : `Every chain ending at ${nameOf(pack.subject.identityId)}`;
  const t = pack.time;

  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evidence pack: ${subject}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Evidence pack</h1>
<p class="subtitle">${subject}</p>
${table(
  [
    ['Tenant', pack.tenantId],
    ['Subject', pack.subject.kind === 'chain' ? pack.subject.chainId : pack.subject.identityId],
    ['As of (requested)', t.requested ?? 'current graph'],
    ['Graph state at', `${t.effectiveAt ?? 'unknown'} (${t.basis.replaceAll('_', ' ')})`],
    ['Pack format', pack.format],
    ['pack.json SHA-256', options.packSha256],
  ],
  'meta',
)}
<nav><strong>Contents:</strong> ${pack.chains.map((c, i) => html`<a href="#${anchor(c.chainId)}">Chain ${i + 1}</a> · `)}<a href="#ownership">Ownership</a> · <a href="#privileges">Privileges</a> · <a href="#completeness">Evidence completeness</a> · <a href="#syncs">Sync records</a> · <a href="#history">Event history</a></nav>
</header>
<main>
<section id="chains">
<h2>Execution chains (${pack.chains.length})</h2>
${pack.chains.length ? pack.chains.map((c, i) => chainSection(c, i, nodes, ownership)) : html`<p class="warn">No execution chain ends at this identity${t.resolved ? ' at this moment' : ''}.</p>`}
</section>
<section id="ownership">
<h2>Ownership</h2>
${pack.ownership.map(ownershipBlock)}
</section>
<section id="privileges">
<h2>Privileges and approvals</h2>
${pack.privileges.map((p) => privilegesBlock(p, nameOf))}
</section>
<section id="completeness">
<h2>Evidence completeness</h2>
${pack.evidenceCompleteness.length ? pack.evidenceCompleteness.map(completenessBlock) : html`<p class="warn">No connector could be attributed to the chain's data.</p>`}
</section>
<section id="syncs">
<h2>Sync records (${pack.syncs.length})</h2>
${syncTable(pack)}
</section>
<section id="history">
<h2>Event history</h2>
${pack.history.map((h) => historyBlock(h.entityId, nameOf(h.entityId), h.events, nameOf))}
</section>
</main>
<footer>manifest.json lists the SHA-256 of every file of this pack; <code>authgraph verify &lt;pack dir&gt;</code> checks them.</footer>
</body>
</html>
`;
  return page.text;
}

function chainSection(chain: PackChain, index: number, nodes: Map<string, NormalizedNode>, ownership: Map<string, PackOwnership>): SafeHtml {
  const boxes: HtmlValue[] = [nodeBox(chain.nodeIds[0]!, nodes, ownership)];
  for (const hop of chain.hops) boxes.push(edgeBox(hop), nodeBox(hop.toNodeId, nodes, ownership));
  return html`<article class="chain" id="${anchor(chain.chainId)}">
<h3>Chain ${index + 1} <code>${chain.chainId}</code></h3>
<p class="chain-meta">${chain.kind.replaceAll('_', ' ')}${chain.entryPoint ? '' : ' (library code nothing calls)'} · ${chain.depth} hop(s) · ${nodes.get(chain.startNodeId)?.displayName ?? chain.startNodeId} → ${chain.identityId ? (nodes.get(chain.identityId)?.displayName ?? chain.identityId) : 'no identity'}</p>
${chain.stop ? html`<p class="warn">Stops short: ${chain.stop.reason.replaceAll('_', ' ')} at ${nodes.get(chain.stop.nodeId)?.displayName ?? chain.stop.nodeId}. ${chain.stop.detail}${chain.stop.searched ? ` (searched ${chain.stop.searched.field} ${chain.stop.searched.value ?? 'none'} against ${chain.stop.searched.against} of ${chain.stop.searched.candidates} identities${chain.stop.searched.scopes.length ? ` in ${chain.stop.searched.scopes.join(', ')}` : ''})` : ''}</p>` : ''}
<ol class="hops">${boxes}</ol>
</article>`;
}

function nodeBox(nodeId: string, nodes: Map<string, NormalizedNode>, ownership: Map<string, PackOwnership>): SafeHtml {
  const node = nodes.get(nodeId);
  if (!node) return html`<li class="node"><div class="name">${nodeId}</div><p class="warn">node not in the pack</p></li>`;
  const owned = ownership.get(nodeId);
  const top: [string, unknown][] = [
    ['sourceSystem', node.sourceSystem],
    ['sourceScope', node.sourceScope],
    ['sourceId', node.sourceId],
    ...(['createdAt', 'lastModifiedAt', 'deletedAt'] as const).filter((k) => node[k]).map((k): [string, unknown] => [k, node[k]]),
  ];
  return html`<li class="node node-${node.nodeType}">
<div class="kind">${kindOf(node)}</div>
<div class="name">${node.displayName}</div>
<div class="id"><code>${node.nodeId}</code></div>
<div class="badges">${badge(node.status)}${owned ? html` ownership ${badge(owned.state)}` : ''}</div>
${table([...top, ...sortedEntries(node.properties)])}
${owned ? html`<div class="owners">${owned.owners.length ? owned.owners.map((o) => html`<div>${o.via}: ${o.displayName} ${o.active ? badge('active') : badge(o.inactiveReason ?? 'inactive', 'inactive')}</div>`) : html`<div class="warn">no accountable owner</div>`}</div>` : ''}
</li>`;
}

function edgeBox(hop: PackHop): SafeHtml {
  const { edge, evidence } = hop;
  const extra = sortedEntries(edge.properties).filter(([k]) => !EVIDENCE_KEYS.has(k));
  const dates: [string, unknown][] = [
    ...(edge.since ? [['since', edge.since] as [string, unknown]] : []),
    ...(edge.until ? [['until', edge.until] as [string, unknown]] : []),
  ];
  const none = !evidence.provenance && !evidence.sourceEvidence && !evidence.evidenceReferences && !evidence.crossSystemLink;
  return html`<li class="edge">
<div class="edge-type"><span class="arrow">↓</span> ${edge.edgeType}</div>
<div class="id"><code>${edge.edgeId}</code></div>
${table([...dates, ...extra])}
<div class="evidence">
<h4>Evidence</h4>
${none ? html`<p class="warn">No evidence recorded on this edge.</p>` : ''}
${evidence.sourceEvidence ? table([['source evidence', evidence.sourceEvidence]]) : ''}
${evidence.provenance ? provenanceTable(evidence.provenance) : ''}
${evidence.evidenceReferences ? referencesTable(evidence.evidenceReferences) : ''}
${evidence.crossSystemLink ? crossLink(evidence.crossSystemLink) : ''}
</div>
</li>`;
}

function provenanceTable(p: NonNullable<NormalizedEdge['properties']['provenance']>): SafeHtml | '' {
  return table([
    ['provenance', p.origin.replaceAll('_', ' ')],
    ...(p.rule ? [['rule', p.rule] as const] : []),
    ...(p.detail ? [['detail', p.detail] as const] : []),
    ...(p.sourceRecordIds?.length ? [['source records', p.sourceRecordIds.join(', ')] as const] : []),
    ...(p.retrievedAt ? [['retrieved at', p.retrievedAt] as const] : []),
  ]);
}

function referencesTable(r: NonNullable<NormalizedEdge['properties']['evidenceReferences']>): SafeHtml {
  return html`<div class="refs"><strong>Matched ${r.matchingField} = <code>${r.matchingValue}</code></strong>${table(sortedEntries(r))}</div>`;
}

function crossLink(edge: NormalizedEdge): SafeHtml {
  return html`<div class="cross"><strong>Cross-system link</strong> ${edge.edgeType} <code>${edge.edgeId}</code>
${edge.properties.evidenceReferences ? referencesTable(edge.properties.evidenceReferences) : html`<p class="warn">no evidence references</p>`}
${edge.properties.provenance ? provenanceTable(edge.properties.provenance) : ''}</div>`;
}

function ownershipBlock(o: PackOwnership): SafeHtml {
  return html`<article class="block">
<h3>${o.displayName} <span class="muted">${o.nodeType}</span> ${badge(o.state)}</h3>
<p class="id"><code>${o.nodeId}</code> · recorded by the connector: ${o.recordedState ?? 'none'}</p>
${o.owners.length ? html`<table class="list"><thead><tr><th>Owner</th><th>Via</th><th>Active</th><th>Reason</th></tr></thead><tbody>${o.owners.map((w) => html`<tr><td>${w.displayName}</td><td>${w.via}</td><td>${w.active ? 'yes' : 'no'}</td><td>${w.inactiveReason ?? ''}</td></tr>`)}</tbody></table>` : ''}
<ul class="signals">${o.signals.map((s) => html`<li><code>${s.kind}</code> ${s.detail}</li>`)}</ul>
</article>`;
}

function privilegesBlock(p: PackPrivileges, nameOf: (id: string) => string): SafeHtml {
  return html`<article class="block">
<h3>${nameOf(p.identityId)}</h3>
${p.grants.length ? html`<table class="list"><thead><tr><th>Grant</th><th>Type</th><th>Privileged</th><th>Path</th></tr></thead><tbody>${p.grants.map(
    (g) => html`<tr><td>${g.displayName}</td><td>${g.nodeType} (${g.detail})</td><td>${g.privileged ? badge('privileged') : 'no'}</td><td>${g.path.map(
      (s) => html`<div>${s.edgeType}${s.since ? ` since ${s.since}` : ''}${s.grantedBy ? `, granted by ${s.grantedBy}` : ''}${s.sourceEvidence ? `, evidence ${s.sourceEvidence}` : ''}</div>`,
    )}</td></tr>`,
  )}</tbody></table>` : html`<p>No roles or permissions.</p>`}
<h4>Approvals (APPROVED_BY)</h4>
${p.approvals.length ? html`<table class="list"><thead><tr><th>Approver</th><th>Edge</th><th>Properties</th></tr></thead><tbody>${p.approvals.map(
    (a) => html`<tr><td>${a.approverDisplayName}</td><td><code>${a.edge.edgeId}</code>${a.edge.since ? ` since ${a.edge.since}` : ''}</td><td>${table(sortedEntries(a.edge.properties))}</td></tr>`,
  )}</tbody></table>` : html`<p class="warn">No APPROVED_BY edge: no grant of this identity has a recorded approval.</p>`}
</article>`;
}

function completenessBlock(c: EvidencePack['evidenceCompleteness'][number]): SafeHtml {
  if (!c.syncId) return html`<article class="block"><h3>${c.connectorId}</h3><p class="warn">No sync of this connector reported evidence completeness.</p></article>`;
  return html`<article class="block">
<h3>${c.connectorId} ${c.complete ? badge('complete') : badge('incomplete')}</h3>
<p>From sync <code>${c.syncId}</code>, valid at ${c.validAt}.</p>
<table class="list"><thead><tr><th>Source</th><th>Table</th><th>Status</th><th>Records</th><th>Oldest record</th><th>Notes</th></tr></thead><tbody>${c.sources.map(
    (s) => html`<tr><td>${s.key}</td><td>${s.sourceTable}</td><td>${badge(s.status, s.status === 'available' ? 'active' : 'inactive')}</td><td>${s.recordCount ?? ''}</td><td>${s.oldestRecord ?? ''}</td><td>${s.notes ?? ''}</td></tr>`,
  )}</tbody></table>
</article>`;
}

function syncTable(pack: EvidencePack): SafeHtml {
  if (!pack.syncs.length) return html`<p class="warn">No sync records.</p>`;
  return html`<table class="list"><thead><tr><th>Sync</th><th>Connector</th><th>Mode</th><th>Status</th><th>Valid at</th><th>Started</th><th>Completed</th><th>Counts</th><th>Errors</th></tr></thead><tbody>${pack.syncs.map(
    (s) => html`<tr><td><code>${s.syncId}</code></td><td>${s.connectorId}</td><td>${s.mode}</td><td>${badge(s.status)}</td><td>${s.validAt ?? ''}</td><td>${s.startedAt}</td><td>${s.completedAt ?? ''}</td><td>${s.counts ? `nodes +${s.counts.nodesCreated} ~${s.counts.nodesUpdated} -${s.counts.nodesDeleted}; edges +${s.counts.edgesCreated} ~${s.counts.edgesUpdated} -${s.counts.edgesRemoved}; ${s.counts.events} events` : ''}</td><td>${s.errors.map((e) => html`<div>${e.type}: ${e.message}</div>`)}</td></tr>`,
  )}</tbody></table>`;
}

function historyBlock(entityId: string, name: string, events: readonly GraphEvent[], nameOf: (id: string) => string): SafeHtml {
  return html`<article class="block">
<h3>${name} <span class="muted">${events.length} event(s)</span></h3>
<p class="id"><code>${entityId}</code></p>
${events.length ? html`<table class="list"><thead><tr><th>Time</th><th>Sync</th><th>Event</th><th>Change</th></tr></thead><tbody>${events.map(
    (e) => html`<tr><td>${e.timestamp}</td><td><code>${e.syncId}</code> #${e.sequence}</td><td>${e.eventType}</td><td>${
      e.relationshipType ? html`${e.entityId === entityId ? '' : `${nameOf(e.entityId)} `}${e.relationshipType} → ${nameOf(e.targetEntityId ?? '')}` : ''
    }${e.changedProperties?.length ? html`<div>changed: ${e.changedProperties.join(', ')}</div>` : ''}${
      e.beforeState || e.afterState ? html`<details><summary>before / after</summary><pre>${JSON.stringify({ before: e.beforeState, after: e.afterState }, null, 2)}</pre></details>` : ''
    }</td></tr>`,
  )}</tbody></table>` : html`<p>No events recorded.</p>`}
</article>`;
}

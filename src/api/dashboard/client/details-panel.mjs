import { gql } from './api.mjs';
import { errorBox, fill, h, propertyList } from './dom.mjs';
import { OWNERSHIP } from './queries.mjs';

// The side panel for a clicked node or edge: its evidence (provenance, source evidence, the
// cross-system proof of AUTHENTICATES_AS hops), ownership signals, and every property.

function hopEvidence(hop) {
  const link = hop.evidence.crossSystemLink;
  return h(
    'div',
    { class: 'evidence-item' },
    h('h4', {}, `${hop.from.displayName} —${hop.edge.edgeType}→ ${hop.to.displayName}`),
    propertyList({
      provenance: hop.edge.provenance ? `${hop.edge.provenance.origin}${hop.edge.provenance.rule ? ` (${hop.edge.provenance.rule})` : ''}` : 'not recorded',
      detail: hop.edge.provenance?.detail,
      retrievedAt: hop.edge.provenance?.retrievedAt,
      sourceRecordIds: hop.edge.provenance?.sourceRecordIds?.join(', '),
      sourceEvidence: hop.evidence.sourceEvidence,
      since: hop.edge.since,
    }),
    hop.evidence.evidenceReferences ? [h('h5', {}, 'Evidence references'), propertyList(hop.evidence.evidenceReferences)] : null,
    link
      ? [
          h('h5', {}, `Cross-system proof (${link.edgeType})`),
          propertyList({ provenance: link.provenance ? `${link.provenance.origin}${link.provenance.rule ? ` (${link.provenance.rule})` : ''}` : undefined, ...(link.rawProperties?.evidenceReferences ?? {}) }),
        ]
      : null,
  );
}

export function showEdge(panel, hop) {
  fill(
    panel,
    h('h3', { tabindex: -1 }, hop.edge.edgeType),
    h('p', { class: 'muted' }, `${hop.from.displayName} → ${hop.to.displayName}`),
    h('section', { class: 'evidence', dataset: { edgeId: hop.edge.id } }, h('h4', {}, 'Evidence'), hopEvidence(hop)),
    h('section', {}, h('h4', {}, 'Properties'), propertyList(hop.edge.rawProperties)),
  );
  panel.dataset.selected = hop.edge.id;
  panel.querySelector('h3').focus();
}

export async function showNode(panel, node, hops, asOf) {
  const touching = hops.filter((hop) => hop.from.id === node.id || hop.to.id === node.id);
  const ownership = h('section', { class: 'ownership' }, h('h4', {}, 'Ownership signals'), h('p', { class: 'muted' }, node.nodeType === 'identity' || node.nodeType === 'automation' ? 'Loading…' : 'Not judged for this node type.'));
  fill(
    panel,
    h('h3', { tabindex: -1 }, node.displayName),
    h('p', { class: 'muted' }, `${node.nodeType.replace('_', ' ')} · ${node.sourceSystem} · ${node.status}`),
    h('p', { class: 'muted small' }, node.id),
    h('section', { class: 'evidence', dataset: { nodeId: node.id } }, h('h4', {}, 'Evidence'), touching.map(hopEvidence)),
    ownership,
    h('section', {}, h('h4', {}, 'Properties'), propertyList(node.properties)),
  );
  panel.dataset.selected = node.id;
  panel.querySelector('h3').focus();
  if (node.nodeType !== 'identity' && node.nodeType !== 'automation') return;
  try {
    const { ownership: o } = await gql(OWNERSHIP, { nodeId: node.id, asOf: asOf ?? null });
    if (panel.dataset.selected !== node.id) return;
    fill(
      ownership,
      h('h4', {}, 'Ownership signals'),
      h('p', {}, h('strong', {}, o.state), o.recordedState && o.recordedState !== o.state ? ` (connector recorded ${o.recordedState})` : ''),
      h('ul', {}, o.owners.map((w) => h('li', {}, `${w.displayName} via ${w.via}: ${w.active ? 'active' : `inactive${w.inactiveReason ? ` (${w.inactiveReason})` : ''}`}`))),
      h('ul', { class: 'signals' }, o.signals.map((s) => h('li', {}, h('code', {}, s.kind), ` ${s.detail}`))),
    );
  } catch (error) {
    fill(ownership, h('h4', {}, 'Ownership signals'), errorBox(error));
  }
}

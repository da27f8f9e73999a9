import { gql, lastQueries } from './api.mjs';
import { errorBox, fill, fmtNumber, fmtTime, h, propertyList } from './dom.mjs';
import { DRIFT, TIMELINE } from './queries.mjs';

// Drift timeline: for every sync after the first, the drift findings between it and the sync
// before (Query.drift), counted by type and severity; a sync opens its findings, a finding its
// details and chains, and "View as of" moves the whole dashboard to that sync.

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

export async function renderDrift(root, app) {
  const timeline = app.timeline ?? (await gql(TIMELINE)).posture.timeline;
  app.setTimeline(timeline);
  const syncs = [...timeline].reverse(); // oldest first
  const pairs = syncs.slice(1).map((s, i) => ({ since: syncs[i], until: s }));
  if (pairs.length) lastQueries.set('drift', { query: DRIFT, variables: { since: pairs.at(-1).since.syncId, until: pairs.at(-1).until.syncId } });
  const panel = h('section', { id: 'drift-findings', class: 'card', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a sync to see its findings.'));
  // Rows first; each sync's findings fill its row when its drift report arrives.
  const cells = syncs.map((s, i) => {
    const cell = { bar: h('td', {}), types: h('td', { class: 'small' }), actions: h('td', {}) };
    if (i === 0) fill(cell.bar, h('span', { class: 'muted' }, 'baseline'));
    else {
      fill(cell.bar, h('span', { class: 'muted' }, 'counting…'));
      cell.bar.dataset.pending = 'true';
    }
    fill(cell.actions, h('span', { class: 'findings-slot' }), ' ', h('button', { type: 'button', onclick: () => app.setAsOf(s.syncId, 'posture') }, 'View as of'));
    return cell;
  });
  const reports = pairs.map((p) => gql(DRIFT, { since: p.since.syncId, until: p.until.syncId }).then((d) => d.drift));
  Promise.allSettled(reports).then((settled) => {
    const max = Math.max(1, ...settled.map((r) => (r.status === 'fulfilled' ? r.value.findings.length : 0)));
    settled.forEach((r, i) => {
      const s = syncs[i + 1];
      const cell = cells[i + 1];
      cell.bar.removeAttribute('data-pending');
      if (r.status === 'rejected') return void fill(cell.bar, errorBox(r.reason));
      const report = r.value;
      const bySeverity = Object.fromEntries(SEVERITIES.map((sev) => [sev, report.findings.filter((f) => f.severity === sev).length]));
      const byType = new Map();
      for (const f of report.findings) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
      fill(
        cell.bar,
        h('div', { class: 'bar', 'aria-hidden': 'true' }, SEVERITIES.map((sev) => (bySeverity[sev] ? h('span', { class: `seg ${sev}`, style: `width:${(bySeverity[sev] / max) * 100}%` }) : null))),
        h('span', { class: 'small' }, SEVERITIES.filter((sev) => bySeverity[sev]).map((sev) => `${bySeverity[sev]} ${sev}`).join(' · ') || 'no findings'),
      );
      fill(cell.types, [...byType].map(([t, n]) => h('div', {}, `${t.replaceAll('_', ' ')}: ${n}`)));
      fill(cell.actions.querySelector('.findings-slot'), h('button', { type: 'button', dataset: { metric: `drift.${s.syncId}` }, onclick: () => showFindings(panel, app, s, report) }, `${fmtNumber(report.findings.length)} findings`));
    });
  });
  const rows = syncs.map((s, i) =>
    h('tr', { dataset: { sync: s.syncId } }, h('th', { scope: 'row' }, s.syncId, h('div', { class: 'muted small' }, `${s.connectorId} · ${fmtTime(s.validAt)} · ${s.status}`)), cells[i].bar, cells[i].types, cells[i].actions),
  );
  fill(
    root,
    h(
      'section',
      { class: 'card wide' },
      h('h2', {}, 'Drift timeline'),
      h('p', { class: 'muted small' }, 'Each sync against the one before it. Severity: ', SEVERITIES.map((sev) => h('span', { class: `legend ${sev}` }, sev))),
      h('table', { class: 'table drift' }, h('thead', {}, h('tr', {}, ['Sync', 'Findings by severity', 'By type', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows)),
    ),
    panel,
  );
}

function showFindings(panel, app, sync, report) {
  fill(
    panel,
    h('h2', { tabindex: -1 }, `Findings of ${sync.syncId}`),
    h('p', { class: 'muted small' }, `${fmtTime(report.since)} → ${fmtTime(report.until)}`),
    report.findings.length
      ? h(
          'ul',
          { class: 'rows findings' },
          report.findings.map((f) =>
            h('li', { dataset: { finding: f.findingId } }, h('button', { type: 'button', class: 'link', onclick: () => showFinding(panel, app, sync, report, f) }, `${f.severity} · ${f.type.replaceAll('_', ' ')}`), ` ${f.summary}`),
          ),
        )
      : h('p', { class: 'muted' }, 'No findings.'),
  );
  panel.querySelector('h2').focus();
}

function showFinding(panel, app, sync, report, f) {
  fill(
    panel,
    h('button', { type: 'button', class: 'link', onclick: () => showFindings(panel, app, sync, report) }, `← all findings of ${sync.syncId}`),
    h('h2', { tabindex: -1 }, `${f.severity} · ${f.type.replaceAll('_', ' ')}`),
    h('p', {}, f.summary),
    propertyList({ findingId: f.findingId, observedAt: f.observedAt, events: f.eventIds.length }),
    h('h3', {}, 'Entities'),
    h('ul', { class: 'rows' }, f.entityIds.map((id) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => app.explore(id, { asOf: sync.syncId, highlight: f.chainIds }) }, id)))),
    f.chainIds.length ? [h('h3', {}, 'Chains'), h('ul', { class: 'rows' }, f.chainIds.map((id) => h('li', {}, h('code', {}, id))))] : null,
    f.chainIds.length && f.entityIds.length
      ? h('button', { type: 'button', onclick: () => app.explore(f.entityIds[0], { asOf: f.type === 'chain_removed' ? report.since : sync.syncId, highlight: f.chainIds }) }, 'Open its chains in the explorer')
      : null,
    f.before != null ? [h('h3', {}, 'Before'), h('pre', {}, JSON.stringify(f.before, null, 2))] : null,
    f.after != null ? [h('h3', {}, 'After'), h('pre', {}, JSON.stringify(f.after, null, 2))] : null,
  );
  panel.querySelector('h2').focus();
}


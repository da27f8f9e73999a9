// The analyst dashboard (served at /dashboard, bundled by src/api/dashboard/bundle.ts with
// esbuild; cytoscape.js from npm, nothing from a CDN). One app object holds the shared state: the
// moment shown (as-of), the sync timeline, and each view's choices; views render into <main>.
import { apiKey, gql, queryText } from './api.mjs';
import { errorBox, fill, fmtTime, h } from './dom.mjs';
import { renderDrift } from './drift-view.mjs';
import { renderExplorer } from './explorer-view.mjs';
import { renderPosture } from './posture-view.mjs';
import { EVIDENCE_PACK, TIMELINE, VIEWER } from './queries.mjs';
import './dashboard.css';

const VIEWS = {
  posture: { title: 'Posture', render: renderPosture },
  explorer: { title: 'Chain explorer', render: renderExplorer },
  drift: { title: 'Drift timeline', render: renderDrift },
};

const root = document.getElementById('app');

const app = {
  viewer: null,
  timeline: null,
  state: {
    view: 'posture',
    asOf: null,
    expiringWithinDays: 30,
    explorer: { focusId: null, pickType: 'identity', chainId: null, highlight: [], filters: { hiddenSystems: new Set(), privilegedOnly: false, ownership: '', kind: '' } },
  },
  renderCount: 0,

  setTimeline(timeline) {
    this.timeline = timeline;
    renderAsOfOptions();
  },
  setAsOf(asOf, view) {
    this.state.asOf = asOf || null;
    this.go(view ?? this.state.view);
  },
  explore(nodeId, options = {}) {
    const e = this.state.explorer;
    e.focusId = nodeId;
    e.chainId = null;
    e.highlight = options.highlight ?? [];
    if (options.asOf !== undefined) this.state.asOf = options.asOf;
    this.go('explorer');
  },
  go(view) {
    this.state.view = view;
    const hash = view === 'explorer' && this.state.explorer.focusId ? `#explorer?node=${encodeURIComponent(this.state.explorer.focusId)}` : `#${view}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    this.rerender();
  },
  rerender() {
    renderView();
  },
  async exportPack(target) {
    const status = document.getElementById('action-status');
    if (!target) return void fill(status, 'Select a chain (or pick an identity) to export its evidence pack.');
    fill(status, 'Building the evidence pack…');
    try {
      const { evidencePack } = await gql(EVIDENCE_PACK, { ...target, asOf: this.state.asOf });
      const blob = new Blob([JSON.stringify(evidencePack, null, 2)], { type: 'application/json' });
      const a = h('a', { href: URL.createObjectURL(blob), download: `evidence-pack-${(target.chainId ?? target.identityId).replace(/[^\w.-]+/g, '_')}.json` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      fill(status, 'Evidence pack downloaded (pack.json content; `authgraph verify` checks a pack written by `authgraph export evidence`).');
    } catch (error) {
      fill(status, error.code === 'FORBIDDEN' ? 'Exporting evidence packs needs an operator key.' : errorBox(error));
    }
  },
};
window.authgraphDashboard = { app };

// --- the key ---------------------------------------------------------------------------------

function renderLogin(message) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', placeholder: 'agk_…', required: true, 'aria-describedby': 'key-help' });
  const submit = async (e) => {
    e.preventDefault();
    apiKey.set(input.value.trim());
    await // A link or the address bar changing the view (app.go replaces the hash without this event).
addEventListener('hashchange', () => {
  if (!app.viewer) return;
  readHash();
  renderView();
});

start();
  };
  fill(
    root,
    h(
      'main',
      { class: 'login card' },
      h('h1', {}, 'Authgraph'),
      h(
        'form',
        { onsubmit: submit },
        h('label', { for: 'api-key' }, 'API key'),
        input,
        h('button', { type: 'submit' }, 'Open the dashboard'),
        h('p', { id: 'key-help', class: 'muted small' }, 'The key stays in this browser tab (session storage) and is sent to this server only. `authgraph serve --demo` prints a demo key.'),
        message ? errorBox(message) : null,
      ),
    ),
  );
  input.focus();
}

// --- the shell ---------------------------------------------------------------------------------

let asOfSelect;

function renderAsOfOptions() {
  if (!asOfSelect) return;
  const current = app.state.asOf ?? '';
  const syncs = app.timeline ?? [];
  fill(
    asOfSelect,
    h('option', { value: '', selected: current === '' }, 'now'),
    syncs.map((s) => h('option', { value: s.syncId, selected: current === s.syncId }, `${s.syncId} · ${fmtTime(s.validAt)}`)),
    current && !syncs.some((s) => s.syncId === current) ? h('option', { value: current, selected: true }, current) : null,
  );
}

function renderShell() {
  asOfSelect = h('select', { id: 'as-of', onchange: (e) => app.setAsOf(e.target.value) });
  const tabs = Object.entries(VIEWS).map(([id, v]) =>
    h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'view', dataset: { view: id }, onclick: () => app.go(id) }, v.title),
  );
  const copy = async () => {
    const text = queryText(app.state.view);
    const out = document.getElementById('query-text');
    out.value = text || '# this view has not run a query yet';
    document.getElementById('query-box').open = true;
    try {
      await navigator.clipboard.writeText(out.value);
      fill(document.getElementById('action-status'), 'GraphQL query copied.');
    } catch {
      out.select();
      fill(document.getElementById('action-status'), 'Select and copy the query below.');
    }
  };
  fill(
    root,
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'Authgraph'),
      h('nav', { role: 'tablist', 'aria-label': 'Views' }, tabs),
      h('label', { for: 'as-of', class: 'asof' }, 'As of ', asOfSelect),
      h('span', { class: 'viewer muted small' }, `${app.viewer.tenantId} · ${app.viewer.role}`),
      h('button', { type: 'button', class: 'link', onclick: () => (apiKey.clear(), renderLogin()) }, 'Forget key'),
    ),
    h(
      'div',
      { class: 'actions-row' },
      h('button', { type: 'button', id: 'copy-query', onclick: copy }, 'Copy GraphQL query'),
      h('span', { id: 'action-status', class: 'muted small', role: 'status' }),
      h('details', { id: 'query-box' }, h('summary', {}, 'The query behind this view'), h('textarea', { id: 'query-text', readonly: true, rows: 10, 'aria-label': 'GraphQL query' })),
    ),
    h('main', { id: 'view', role: 'tabpanel', tabindex: -1 }),
  );
  renderAsOfOptions();
}

async function renderView() {
  const view = document.getElementById('view');
  const { state } = app;
  for (const tab of document.querySelectorAll('[role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.view === state.view));
  if (asOfSelect) asOfSelect.value = state.asOf ?? '';
  const ticket = ++app.renderCount;
  window.authgraphDashboard.cy?.destroy();
  window.authgraphDashboard.cy = null;
  view.dataset.view = state.view;
  view.dataset.ready = 'false';
  fill(view, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const target = h('div', {});
    await VIEWS[state.view].render(target, app);
    if (ticket !== app.renderCount) return; // a newer render started meanwhile
    fill(view, target);
  } catch (error) {
    if (ticket !== app.renderCount) return;
    if (error.code === 'UNAUTHENTICATED') return renderLogin(error);
    fill(view, errorBox(error));
  }
  view.dataset.ready = 'true';
  // The graph is drawn into a container that was detached: let cytoscape measure it again.
  window.authgraphDashboard.cy?.resize().fit(undefined, 24);
  window.dispatchEvent(new CustomEvent('authgraph:rendered', { detail: { view: state.view } }));
}

function readHash() {
  const [view, query] = location.hash.slice(1).split('?');
  if (VIEWS[view]) app.state.view = view;
  const node = new URLSearchParams(query ?? '').get('node');
  if (node) app.state.explorer.focusId = node;
}

async function start() {
  if (!apiKey.get()) return renderLogin();
  try {
    app.viewer = (await gql(VIEWER)).viewer;
  } catch (error) {
    apiKey.clear();
    return renderLogin(error);
  }
  readHash();
  renderShell();
  await renderView();
  // The moments for the as-of control, once the first view is on screen.
  if (!app.timeline) gql(TIMELINE).then((d) => app.timeline ?? app.setTimeline(d.posture.timeline), () => {});
}

// A link or the address bar changing the view (app.go replaces the hash without this event).
addEventListener('hashchange', () => {
  if (!app.viewer) return;
  readHash();
  renderView();
});

start();

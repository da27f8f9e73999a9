import { ApiError, gql, lastQueries } from './api.mjs';
import { showEdge, showNode } from './details-panel.mjs';
import { errorBox, fill, fmtNumber, h } from './dom.mjs';
import { CHAIN_KINDS, CHAINS, CREDENTIAL_TARGETS, NODE, NODES } from './queries.mjs';

// Chain explorer: pick an identity, an automation or a credential; every chain through it is drawn
// (chain-graph.mjs) and listed as buttons (the keyboard way to the same details); filters narrow
// what is shown; Actions export the evidence pack of what is on screen.

const PICKABLE = ['identity', 'automation', 'credential'];

const through = (chain, id) => chain.hops.some((hop) => hop.from.id === id || hop.to.id === id);
const isPrivileged = (chain) => !!chain.identity?.edges.some((e) => e.target?.isPrivileged);

/** Every chain through a node, as of the app's moment. */
async function chainsThrough(node, asOf) {
  const run = (vars) => gql(CHAINS, { ...vars, asOf }).then((d) => d.executionChains);
  if (node.nodeType === 'identity') {
    lastQueries.set('explorer', { query: CHAINS, variables: { to: node.id, asOf } });
    const page = await run({ to: node.id });
    return { chains: page.edges.map((e) => e.node), total: page.totalCount };
  }
  // An automation or a credential sits inside chains that end at identities: find those, keep the
  // chains that pass through it.
  let identities;
  let startingHere = [];
  if (node.nodeType === 'automation') {
    lastQueries.set('explorer', { query: CHAINS, variables: { from: node.id, asOf } });
    const from = await run({ from: node.id });
    // Chains from it that stop short (partial) end at no identity: they are through it already.
    startingHere = from.edges.map((e) => e.node).filter((c) => !c.identity);
    identities = new Set(from.edges.map((e) => e.node.identity?.id).filter(Boolean));
  } else {
    const { node: n } = await gql(CREDENTIAL_TARGETS, { id: node.id });
    identities = new Set(n.edges.map((e) => e.targetNodeId));
    lastQueries.set('explorer', { query: CHAINS, variables: { to: [...identities][0] ?? null, asOf } });
  }
  const pages = await Promise.all([...identities].map((to) => run({ to })));
  const byId = new Map(startingHere.map((c) => [c.id, c]));
  for (const page of pages) for (const { node: chain } of page.edges) if (through(chain, node.id)) byId.set(chain.id, chain);
  return { chains: [...byId.values()], total: byId.size };
}

export async function renderExplorer(root, app) {
  const state = app.state.explorer;
  const details = h('aside', { id: 'details', class: 'details card', 'aria-live': 'polite', tabindex: -1 }, h('p', { class: 'muted' }, 'Click a node or an edge (or a hop button below the graph) to see its evidence.'));
  const graph = h('div', { id: 'chain-graph', class: 'graph', role: 'img', 'aria-label': 'Chains as a graph; the same chains are listed below as buttons' });
  const main = h('section', { class: 'explorer-main' });
  const picker = pickerPanel(app);
  fill(root, h('div', { class: 'explorer' }, picker, h('div', { class: 'explorer-centre' }, main, graph, h('div', { id: 'chain-table' })), details));

  if (!state.focusId) {
    fill(main, h('h2', {}, 'Chain explorer'), h('p', { class: 'muted' }, 'Pick an identity, an automation or a credential on the left.'));
    graph.hidden = true;
    return;
  }
  const { node: focus } = await gql(NODE, { id: state.focusId });
  if (!PICKABLE.includes(focus.nodeType)) throw new ApiError(`${focus.displayName} is a ${focus.nodeType}: pick an identity, an automation or a credential`, 'BAD_USER_INPUT');
  const { chains, total } = await chainsThrough(focus, app.state.asOf);
  const filters = state.filters;
  const systems = [...new Set(chains.flatMap((c) => c.hops.flatMap((hop) => [hop.from.sourceSystem, hop.to.sourceSystem])))].sort();
  const visible = chains.filter(
    (c) =>
      c.hops.every((hop) => !filters.hiddenSystems.has(hop.from.sourceSystem) && !filters.hiddenSystems.has(hop.to.sourceSystem)) &&
      (!filters.privilegedOnly || isPrivileged(c)) &&
      (!filters.ownership || c.identity?.ownershipState === filters.ownership) &&
      (!filters.kind || c.kind === filters.kind),
  );
  const hops = visible.flatMap((c) => c.hops);
  const select = (id, kind) => {
    if (kind === 'edge') {
      const hop = hops.find((x) => x.edge.id === id);
      if (hop) showEdge(details, hop);
    } else {
      const hop = hops.find((x) => x.from.id === id || x.to.id === id);
      if (hop) showNode(details, hop.from.id === id ? hop.from : hop.to, hops, app.state.asOf);
    }
  };

  fill(
    main,
    h('h2', {}, `Chains through ${focus.displayName}`),
    h('p', { class: 'muted' }, `${focus.nodeType} · ${focus.sourceSystem} · `, h('span', { dataset: { metric: 'explorer.chains' } }, fmtNumber(total)), ` chain${total === 1 ? '' : 's'}`, visible.length !== chains.length ? `, ${visible.length} shown after filters` : '', total > chains.length ? ` (first ${chains.length})` : ''),
    filterBar(app, systems),
    actionsBar(app, focus, state),
  );
  if (!visible.length) {
    graph.hidden = true;
    fill(root.querySelector('#chain-table'), h('p', { class: 'muted' }, chains.length ? 'No chain passes the filters.' : 'No chain runs through it at this moment.'));
    return;
  }
  // cytoscape.js is a chunk of its own: loaded the first time a graph is drawn.
  const { drawChains } = await import('./chain-graph.mjs');
  const cy = drawChains(graph, visible, select);
  window.authgraphDashboard = { ...(window.authgraphDashboard ?? {}), cy };
  for (const id of state.highlight ?? []) visible.filter((c) => c.id === id).forEach((c) => c.hops.forEach((hop) => cy.$id(hop.edge.id).addClass('highlight')));
  fill(root.querySelector('#chain-table'), chainTable(visible, select, state));
}

function chainTable(chains, select, state) {
  return h(
    'table',
    { class: 'table chains' },
    h('caption', {}, 'Chains (each node and hop is a button)'),
    h('thead', {}, h('tr', {}, ['Select', 'Kind', 'Chain', 'Ends'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      chains.map((c) =>
        h(
          'tr',
          { dataset: { chainId: c.id } },
          h('td', {}, h('input', { type: 'radio', name: 'chain', 'aria-label': `select chain ${c.id} for export`, checked: state.chainId === c.id, onchange: () => (state.chainId = c.id) })),
          h('td', { class: 'small' }, c.kind.replaceAll('_', ' ')),
          h(
            'td',
            { class: 'hops' },
            h('button', { type: 'button', class: 'node-button', onclick: () => select(c.hops[0].from.id, 'node') }, c.hops[0].from.displayName),
            c.hops.map((hop) => [
              h('button', { type: 'button', class: 'edge-button', onclick: () => select(hop.edge.id, 'edge') }, `${hop.edge.edgeType} →`),
              h('button', { type: 'button', class: 'node-button', onclick: () => select(hop.to.id, 'node') }, hop.to.displayName),
            ]),
          ),
          h('td', {}, c.identity ? `${c.identity.ownershipState}${isPrivileged(c) ? ' · privileged' : ''}` : h('span', { title: c.stop?.detail ?? '' }, `stops: ${c.stop?.reason.replaceAll('_', ' ')}`, h('div', { class: 'muted small' }, c.stop?.detail ?? ''))),
        ),
      ),
    ),
  );
}

function filterBar(app, systems) {
  const f = app.state.explorer.filters;
  const changed = () => app.rerender();
  return h(
    'fieldset',
    { class: 'filters' },
    h('legend', {}, 'Filters'),
    systems.map((s) =>
      h('label', {}, h('input', { type: 'checkbox', checked: !f.hiddenSystems.has(s), onchange: (e) => (e.target.checked ? f.hiddenSystems.delete(s) : f.hiddenSystems.add(s), changed()) }), ` ${s}`),
    ),
    h('label', {}, h('input', { type: 'checkbox', checked: f.privilegedOnly, onchange: (e) => ((f.privilegedOnly = e.target.checked), changed()) }), ' privileged identities only'),
    h(
      'label',
      {},
      'ownership ',
      h('select', { onchange: (e) => ((f.ownership = e.target.value), changed()) }, ['', 'owned', 'orphaned', 'unattributed', 'disputed'].map((v) => h('option', { value: v, selected: f.ownership === v }, v || 'any'))),
    ),
    h('label', {}, 'kind ', h('select', { onchange: (e) => ((f.kind = e.target.value), changed()) }, ['', ...CHAIN_KINDS].map((v) => h('option', { value: v, selected: f.kind === v }, v ? v.replaceAll('_', ' ') : 'any')))),
  );
}

function actionsBar(app, focus, state) {
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', onclick: () => app.exportPack(state.chainId ? { chainId: state.chainId } : focus.nodeType === 'identity' ? { identityId: focus.id } : null) },
      'Export evidence pack',
    ),
    h('span', { class: 'muted small' }, state.chainId ? ' (the selected chain)' : focus.nodeType === 'identity' ? ' (every chain to this identity)' : ' (select a chain first)'),
  );
}

function pickerPanel(app) {
  const state = app.state.explorer;
  const type = h('select', { id: 'pick-type', 'aria-label': 'Node type' }, PICKABLE.map((t) => h('option', { value: t, selected: state.pickType === t }, t)));
  const text = h('input', { id: 'pick-text', type: 'search', placeholder: 'node id or exact name', 'aria-label': 'Node id or exact display name' });
  const browse = h('div', { class: 'browse' });
  const message = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const find = async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    try {
      const { nodes } = await gql(NODES, { type: type.value, filter: { displayName: value }, first: 1, asOf: app.state.asOf });
      app.explore(nodes.edges[0]?.node.id ?? value);
    } catch (error) {
      fill(message, errorBox(error));
    }
  };
  const load = async (after) => {
    state.pickType = type.value;
    try {
      const { nodes } = await gql(NODES, { type: type.value, first: 25, after, asOf: app.state.asOf });
      fill(
        browse,
        h('ul', { class: 'rows' }, nodes.edges.map(({ node }) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => app.explore(node.id) }, node.displayName)))),
        nodes.pageInfo.hasNextPage ? h('button', { type: 'button', onclick: () => load(nodes.pageInfo.endCursor) }, 'Next 25') : null,
      );
    } catch (error) {
      fill(browse, errorBox(error));
    }
  };
  type.addEventListener('change', () => load());
  // The browse list waits for the chains: they are what the analyst came for.
  addEventListener('authgraph:rendered', () => load(), { once: true });
  return h('aside', { class: 'picker card' }, h('h2', {}, 'Pick'), h('form', { onsubmit: find }, type, text, h('button', { type: 'submit' }, 'Show chains')), message, browse);
}

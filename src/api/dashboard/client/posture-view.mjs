import { gql } from './api.mjs';
import { errorBox, fill, fmtNumber, fmtTime, h } from './dom.mjs';
import { CHAIN_LIST, NODES, POSTURE } from './queries.mjs';

// Posture: the tenant at a glance, every number from Query.posture (computed by the store), each
// a button that opens the list behind it below the cards.

const LIST_TOP = 100;

const KIND_LABELS = {
  authenticates_as: 'authenticate as',
  runs_as: 'run as',
  inbound_oauth: 'inbound OAuth',
  partial: 'partial (stop short)',
  latent: 'latent (nothing calls)',
};

export async function renderPosture(root, app) {
  const days = app.state.expiringWithinDays;
  const vars = { asOf: app.state.asOf, expiringWithinDays: days, top: LIST_TOP };
  const { posture } = await gql(POSTURE, vars, 'posture');
  // As of a past sync the timeline stops there; the as-of control keeps offering every sync.
  if (!app.state.asOf) app.setTimeline(posture.timeline);
  const list = h(
    'section',
    { class: 'card list', id: 'posture-list', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Choose a number to see the list behind it.'),
  );
  const metric = (key, value, label, open) =>
    h(
      'button',
      { class: 'metric', type: 'button', dataset: { metric: key }, onclick: () => open(list), 'aria-label': `${label}: ${value}. Show the list.` },
      h('span', { class: 'value' }, fmtNumber(value)),
      h('span', { class: 'label' }, label),
    );

  const ownership = posture.identitiesByOwnership.map((o) =>
    metric(`identities.${o.state}`, o.count, o.state, (target) =>
      showNodes(target, app, `Identities recorded as ${o.state}`, { type: 'identity', filter: { properties: { ownershipState: o.state } } }),
    ),
  );
  const chainMetric = (c) => metric(`chains.${c.kind}`, c.count, KIND_LABELS[c.kind] ?? c.kind, (target) => showChains(target, app, c.kind));
  const chains = posture.chainsByKind.map(chainMetric);
  const ranked = (key, label, l, withExpiry) => metric(key, l.count, label, (target) => showRanked(target, app, label, l, withExpiry));

  const daysInput = h('input', { id: 'expiring-days', type: 'number', min: 0, max: 3650, value: days, 'aria-label': 'Expiring within days' });
  const setDays = (e) => {
    e.preventDefault();
    app.state.expiringWithinDays = Math.max(0, Math.min(3650, Number(daysInput.value) || 0));
    app.rerender();
  };

  fill(
    root,
    h('p', { class: 'asof-note' }, posture.asOfSyncId ? `As of sync ${posture.asOfSyncId} (${fmtTime(posture.at)})` : `Now (${fmtTime(posture.at)})`),
    h(
      'div',
      { class: 'cards' },
      h('section', { class: 'card' }, h('h2', {}, 'Identities by ownership state'), h('div', { class: 'metrics' }, ownership)),
      h('section', { class: 'card' }, h('h2', {}, 'Chains by kind'), h('div', { class: 'metrics' }, chains)),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Privileged identities reachable by automation'),
        h('div', { class: 'metrics' }, ranked('privilegedReachable', 'privileged identities', posture.privilegedReachable, false)),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Credentials on a live chain'),
        h(
          'div',
          { class: 'metrics' },
          ranked('credentialsExpired', 'expired', posture.credentialsExpired, true),
          ranked('credentialsExpiring', `expiring within ${posture.expiringWithinDays} days`, posture.credentialsExpiring, true),
        ),
        h(
          'form',
          { class: 'inline', onsubmit: setDays },
          h('label', { for: 'expiring-days' }, 'Expiring within'),
          daysInput,
          h('span', {}, 'days'),
          h('button', { type: 'submit' }, 'Apply'),
        ),
      ),
    ),
    connectorsCard(posture.connectors),
    list,
  );
}

function connectorsCard(connectors) {
  return h(
    'section',
    { class: 'card wide' },
    h('h2', {}, 'Evidence completeness per connector'),
    connectors.length === 0
      ? h('p', { class: 'muted' }, 'No sync had completed by then.')
      : h(
          'table',
          { class: 'table connectors' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Connector', 'Last sync', 'Status', 'Evidence', 'Sources'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            connectors.map((c) =>
              h(
                'tr',
                { dataset: { connector: c.connectorId } },
                h('th', { scope: 'row' }, c.connectorId),
                h('td', {}, c.lastSync ? `${c.lastSync.syncId} · ${fmtTime(c.lastSync.completedAt ?? c.lastSync.startedAt)}` : '—'),
                h('td', { class: `status ${c.lastSync?.status ?? ''}` }, c.lastSync?.status ?? '—'),
                h('td', {}, c.evidenceCompleteness ? (c.evidenceCompleteness.complete ? 'complete' : 'incomplete') : 'not reported'),
                h(
                  'td',
                  {},
                  h(
                    'ul',
                    { class: 'sources' },
                    (c.evidenceCompleteness?.sources ?? []).map((s) =>
                      h(
                        'li',
                        { class: s.status.startsWith('unavailable') && s.status !== 'unavailable_not_applicable' ? 'bad' : 'ok' },
                        `${s.key}: ${s.status.replaceAll('_', ' ')}`,
                        s.recordCount != null ? ` (${fmtNumber(s.recordCount)} records)` : '',
                        s.notes ? ` — ${s.notes}` : '',
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
  );
}

const exploreButton = (app, id, label) => h('button', { type: 'button', class: 'link', onclick: () => app.explore(id) }, label);

function listFrame(target, title, ...children) {
  fill(target, h('h2', { tabindex: -1 }, title), ...children);
  target.querySelector('h2').focus();
}

async function showNodes(target, app, title, query, after) {
  listFrame(target, title, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { nodes } = await gql(NODES, { ...query, first: 50, after, asOf: app.state.asOf }, 'posture-list');
    const rows = nodes.edges.map(({ node }) =>
      h('li', {}, exploreButton(app, node.id, node.displayName), h('span', { class: 'muted' }, ` ${node.sourceSystem} · ${node.id}`)),
    );
    listFrame(
      target,
      title,
      h('ul', { class: 'rows' }, rows.length ? rows : h('li', { class: 'muted' }, 'none')),
      nodes.pageInfo.hasNextPage
        ? h('button', { type: 'button', onclick: () => showNodes(target, app, title, query, nodes.pageInfo.endCursor) }, 'Next 50')
        : null,
    );
  } catch (error) {
    listFrame(target, title, errorBox(error));
  }
}

async function showChains(target, app, kind, after) {
  const title = `Chains: ${KIND_LABELS[kind] ?? kind}`;
  listFrame(target, title, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { executionChains: c } = await gql(CHAIN_LIST, { kinds: [kind], asOf: app.state.asOf, first: 50, after }, 'posture-list');
    listFrame(
      target,
      `${title} (${fmtNumber(c.totalCount)}${c.totalCount >= 1000 ? '+' : ''})`,
      h(
        'ul',
        { class: 'rows' },
        c.edges.map(({ node }) =>
          h(
            'li',
            {},
            exploreButton(app, node.start.id, node.start.displayName),
            ' → ',
            node.identity
              ? exploreButton(app, node.identity.id, node.identity.displayName)
              : h('span', {}, `${node.stop?.node?.displayName ?? '?'} (${node.stop?.reason.replaceAll('_', ' ')})`),
            h('span', { class: 'muted' }, ` ${node.depth} hops`),
          ),
        ),
      ),
      c.pageInfo.hasNextPage ? h('button', { type: 'button', onclick: () => showChains(target, app, kind, c.pageInfo.endCursor) }, 'Next 50') : null,
    );
  } catch (error) {
    listFrame(target, title, errorBox(error));
  }
}

function showRanked(target, app, title, list, withExpiry) {
  listFrame(
    target,
    `${title} (${fmtNumber(list.count)})`,
    h(
      'ol',
      { class: 'rows' },
      list.top.length
        ? list.top.map((e) =>
            h(
              'li',
              {},
              exploreButton(app, e.nodeId, e.node?.displayName ?? e.nodeId),
              h(
                'span',
                { class: 'muted' },
                ` ${e.chains} chain${e.chains === 1 ? '' : 's'}`,
                withExpiry ? ` · expires ${fmtTime(e.expiresAt)}` : '',
                e.node ? ` · ${e.node.sourceSystem}` : '',
              ),
            ),
          )
        : h('li', { class: 'muted' }, 'none'),
    ),
    list.count > list.top.length ? h('p', { class: 'muted' }, `The first ${list.top.length} of ${fmtNumber(list.count)}.`) : null,
  );
}

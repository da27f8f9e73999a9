// The playground page's script, bundled by src/api/playground/bundle.ts with esbuild (GraphiQL
// and React from npm; no CDN: Authgraph runs on closed networks). Plain JS with createElement so
// it needs no JSX step and stays out of the TypeScript build (it runs in the browser).
import { createElement as h, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './playground.css';

const config = JSON.parse(document.getElementById('authgraph-config').textContent);

/** Sends every request with the API key the user entered (the server never hands one to the page). */
function fetcherFor(apiKey) {
  return async (params, options) => {
    const response = await fetch(config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}), 'x-api-key': apiKey },
      body: JSON.stringify(params),
    });
    return response.json();
  };
}

function App() {
  const [draft, setDraft] = useState('');
  const [apiKey, setApiKey] = useState('');
  const fetcher = useMemo(() => fetcherFor(apiKey), [apiKey]);
  const apply = (event) => {
    event.preventDefault();
    setApiKey(draft.trim());
  };
  return h(
    'div',
    { className: 'authgraph-playground' },
    h(
      'form',
      { className: 'authgraph-bar', onSubmit: apply },
      h('strong', null, 'Authgraph'),
      h('label', { htmlFor: 'authgraph-api-key' }, 'API key'),
      h('input', {
        id: 'authgraph-api-key',
        type: 'password',
        autoComplete: 'off',
        placeholder: 'agk_…',
        value: draft,
        onChange: (e) => setDraft(e.target.value),
      }),
      h('button', { type: 'submit' }, 'Use key'),
      h('span', { className: 'authgraph-status' }, apiKey ? 'key set' : 'no key: paste one (serve --demo prints a demo key)'),
    ),
    // Remount on a new key so the schema is fetched again with it.
    h(GraphiQL, { key: apiKey, fetcher, defaultQuery: config.defaultQuery, query: config.defaultQuery, isHeadersEditorEnabled: false }),
  );
}

createRoot(document.getElementById('root')).render(h(App));

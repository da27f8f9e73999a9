// The API key and every request. The key is typed by the analyst and kept in sessionStorage (this
// tab only, gone when it closes); the page never carries it. Requests go to this server's /graphql
// only. Each view records the last query it ran so "Copy GraphQL query" gives exactly that.

const KEY = 'authgraph.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY) ?? '',
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** The last document and variables each view ran, for "Copy GraphQL query". */
export const lastQueries = new Map();

/**
 * At most this many requests at once: the server refuses a key running more than a few expensive
 * queries together (RATE_LIMITED), and the drift timeline asks one report per sync.
 */
const MAX_IN_FLIGHT = 3;
let inFlight = 0;
const waiting = [];

async function slot(fn) {
  // A finished request hands its slot straight to the next waiting one.
  if (inFlight >= MAX_IN_FLIGHT) await new Promise((resolve) => waiting.push(resolve));
  else inFlight++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  }
}

export function gql(query, variables = {}, view) {
  if (view) lastQueries.set(view, { query, variables });
  return slot(() => send(query, variables));
}

async function send(query, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': apiKey.get() },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the server answered ${response.status} without JSON`, 'HTTP_ERROR');
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code);
  }
  return body.data;
}

/** A view's last query as text a script can run: the document, then its variables. */
export function queryText(view) {
  const q = lastQueries.get(view);
  if (!q) return '';
  return `${q.query.trim()}\n\n# variables\n${JSON.stringify(q.variables, null, 2)}\n`;
}

/**
 * What the page shows. There is deliberately no API key here: the page is public to anything that
 * can reach the port, so a key in it would be a key for any site that can make the browser load
 * it (DNS rebinding). Users paste their key; `serve --demo` prints its key on the terminal.
 */
export interface PlaygroundOptions {
  defaultQuery?: string;
}

/** The page's script and styles come from this server (CSP 'self'): nothing loads from elsewhere. */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DEFAULT_QUERY = `# Authgraph GraphQL API. Enter your API key above, then run a query, e.g.
query Chains($to: ID!) {
  executionChains(to: $to, first: 10) {
    totalCount
    edges {
      node {
        id
        kind
        automation { displayName }
        identity { displayName }
        hops { position edge { edgeType } to { displayName } }
      }
    }
  }
}
`;

export function playgroundHtml(options: PlaygroundOptions = {}): string {
  const config = {
    endpoint: '/graphql',
    defaultQuery: options.defaultQuery ?? DEFAULT_QUERY,
  };
  // JSON inside <script>: "<" escaped so no value can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authgraph GraphQL playground</title>
<link rel="stylesheet" href="/playground/app.css">
</head>
<body>
<div id="root"></div>
<script type="application/json" id="authgraph-config">${json}</script>
<script src="/playground/app.js"></script>
</body>
</html>
`;
}

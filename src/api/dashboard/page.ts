import { PLAYGROUND_CSP } from '../playground/page.ts';

/**
 * Same policy as the playground: script, styles and data from this server only ('self'), so the
 * page makes no request anywhere else. The API key is never in the page: the analyst types it, and
 * the page keeps it in sessionStorage for the tab's life.
 */
export const DASHBOARD_CSP = PLAYGROUND_CSP;

export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authgraph dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<div id="app"><p class="loading">Loading the Authgraph dashboard…</p></div>
<script type="module" src="/dashboard/app.js"></script>
</body>
</html>
`;
}

import { fileURLToPath } from 'node:url';
import { browserBundle } from '../browser-bundle.ts';
import type { BrowserAssets } from '../browser-bundle.ts';

export type PlaygroundAssets = BrowserAssets;

/**
 * GraphiQL, React and the page script bundled into one script and one stylesheet, in memory, on
 * first use, so a server that never serves the page never pays for it; `authgraph serve` warms it.
 */
export const playgroundAssets = browserBundle(fileURLToPath(new URL('./client.mjs', import.meta.url)));

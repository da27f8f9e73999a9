import { fileURLToPath } from 'node:url';
import { browserBundle } from '../browser-bundle.ts';

/** The dashboard's script (cytoscape.js and the page's views) and styles, bundled on first use. */
export const dashboardAssets = browserBundle(fileURLToPath(new URL('./client/main.mjs', import.meta.url)));

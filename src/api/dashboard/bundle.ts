import { fileURLToPath } from 'node:url';
import { browserBundle } from '../browser-bundle.ts';

/**
 * The dashboard's script and styles, bundled on first use; cytoscape.js (most of the bytes) is a
 * chunk the chain explorer loads when it first draws, so the other views start without it.
 */
export const dashboardAssets = browserBundle(fileURLToPath(new URL('./client/main.mjs', import.meta.url)), { split: true });

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface PlaygroundAssets {
  js: string;
  css: string;
}

const CLIENT = fileURLToPath(new URL('./client.mjs', import.meta.url));

let assets: Promise<PlaygroundAssets> | undefined;

/**
 * GraphiQL, React and the page script bundled into one script and one stylesheet, in memory.
 * Built once per process, on first use (a second or two), so a server that never serves the
 * page never pays for it; `authgraph serve` warms it at start.
 */
export function playgroundAssets(): Promise<PlaygroundAssets> {
  assets ??= bundle().catch((error: unknown) => {
    assets = undefined; // let a later request try again
    throw error;
  });
  return assets;
}

async function bundle(): Promise<PlaygroundAssets> {
  const result = await build({
    entryPoints: [CLIENT],
    bundle: true,
    write: false,
    outdir: 'playground',
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

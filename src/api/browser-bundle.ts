import { build } from 'esbuild';

export interface BrowserAssets {
  js: string;
  css: string;
}

/**
 * A browser page's script and styles bundled by esbuild into one script and one stylesheet, in
 * memory, from packages in node_modules: nothing is fetched from a CDN (closed networks). Built
 * once per process on first use (a second or two); a failed build is retried on the next call.
 */
export function browserBundle(entry: string): () => Promise<BrowserAssets> {
  let assets: Promise<BrowserAssets> | undefined;
  return () => {
    assets ??= bundle(entry).catch((error: unknown) => {
      assets = undefined;
      throw error;
    });
    return assets;
  };
}

async function bundle(entry: string): Promise<BrowserAssets> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'bundle',
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

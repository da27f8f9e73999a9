import { basename } from 'node:path';
import { build } from 'esbuild';

export interface BrowserAssets {
  js: string;
  css: string;
  /** Every output file by name (the entry's app.js / app.css and, when split, its chunks). */
  files: ReadonlyMap<string, string>;
}

export interface BundleOptions {
  /**
   * ES modules with code splitting: what a page imports dynamically (e.g. a graph library only one
   * view needs) becomes a chunk loaded when first needed, not with the page.
   */
  split?: boolean;
}

/**
 * A browser page's script and styles bundled by esbuild, in memory, from packages in
 * node_modules: nothing is fetched from a CDN (closed networks). Built once per process on first
 * use (a second or two); a failed build is retried on the next call.
 */
export function browserBundle(entry: string, options: BundleOptions = {}): () => Promise<BrowserAssets> {
  let assets: Promise<BrowserAssets> | undefined;
  return () => {
    assets ??= bundle(entry, options).catch((error: unknown) => {
      assets = undefined;
      throw error;
    });
    return assets;
  };
}

async function bundle(entry: string, options: BundleOptions): Promise<BrowserAssets> {
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    write: false,
    outdir: 'bundle',
    ...(options.split ? { format: 'esm' as const, splitting: true, chunkNames: 'chunk-[hash]' } : { format: 'iife' as const }),
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  });
  const files = new Map(result.outputFiles.map((f) => [basename(f.path), f.text]));
  return { js: files.get('app.js') ?? '', css: files.get('app.css') ?? '', files };
}

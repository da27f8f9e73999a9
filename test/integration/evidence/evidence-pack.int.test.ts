import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumExecutable } from '../../support/browser.ts';
import { main } from '../../../src/cli/main.ts';
import { buildEvidencePack } from '../../../src/evidence/build-pack.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { codesOf, postGraphQL, startTestApi } from '../api/support.ts';
import type { TestApi } from '../api/support.ts';
import { SAMPLE_IDS, freshTenant } from '../../support/sample-tenant.ts';
import { SAMPLE_SYNC_FILES, loadSampleSyncs } from '../../unit/evidence/sample-syncs.ts';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const readDir = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));

describe('authgraph export evidence / verify, over the three sample syncs (embedded SQLite store)', () => {
  let dir: string;
  let chain: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'authgraph-evidence-'));
    process.env.AUTHGRAPH_DB = join(dir, 'authgraph.db');
    process.env.AUTHGRAPH_STORE = 'sqlite';
    for (const file of SAMPLE_SYNC_FILES) expect((await cli(['load', file])).code).toBe(0);
    const paths = await cli(['paths', '--tenant', 'contoso', '--to', SAMPLE_IDS.graphPrincipal, '--json']);
    chain = JSON.parse(paths.out).find((c: { nodes: string[] }) => c.nodes[0] === SAMPLE_IDS.businessRule).chainId;
  });

  it('exports a pack that verifies, byte-identical when exported again, and verify names a tampered file', async () => {
    const out = join(dir, 'pack-a');
    const args = ['export', 'evidence', '--chain', chain, '--as-of', 'sample-sync-3', '--tenant', 'contoso'];
    const first = await cli([...args, '--out', out]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('1 chain(s)');
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'pack.json', 'report.html']);
    expect(await cli([...args, '--out', join(dir, 'pack-b')])).toMatchObject({ code: 0 });
    expect(readDir(join(dir, 'pack-b'))).toEqual(readDir(out));

    const ok = await cli(['verify', out]);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain('OK: 2 file(s)');

    const report = readFileSync(join(out, 'report.html'));
    report[report.length - 2] ^= 1;
    writeFileSync(join(out, 'report.html'), report);
    writeFileSync(join(out, 'extra.txt'), 'x');
    const bad = await cli(['verify', out]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/MODIFIED report\.html/);
    expect(bad.err).toMatch(/EXTRA extra\.txt/);
    expect(bad.err).not.toMatch(/pack\.json/);
    rmSync(join(out, 'pack.json'));
    expect((await cli(['verify', out])).err).toMatch(/MISSING pack\.json/);
  });

  it('explains a wrong chain id (NOT_FOUND) and usage mistakes', async () => {
    const missing = await cli(['export', 'evidence', '--chain', 'chain:000000000000000000000000', '--tenant', 'contoso', '--out', join(dir, 'x')]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toContain('NOT_FOUND: no execution chain chain:000000000000000000000000');
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect((await cli(['export', 'evidence', '--chain', chain, '--identity', 'y', '--tenant', 'contoso', '--out', join(dir, 'x')])).code).toBe(2);
    expect((await cli(['export', 'evidence', '--identity', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso'])).err).toContain('--out');
    expect((await cli(['verify'])).code).toBe(2);
  });

  describe('report.html in headless Chromium', () => {
    let browser: Awaited<ReturnType<typeof chromium.launch>>;
    beforeAll(async () => {
      // CHROMIUM_PATH / PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, else chromium on PATH; none: a one-line install hint.
      browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_FLAGS });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows every chain ending at the identity hop by hop, with evidence and ownership, loading nothing else', async () => {
      const out = join(dir, 'pack-identity');
      expect((await cli(['export', 'evidence', '--identity', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso', '--out', out])).code).toBe(0);
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      const url = pathToFileURL(join(out, 'report.html')).href;
      await page.goto(url);
      const chains = page.locator('article.chain');
      expect(await chains.count()).toBe(2);
      // Hop by hop: node box, edge box, node box … in chain order, as a reader sees them.
      const boxes = (await chains.nth(0).locator('ol.hops > li').allInnerTexts()).map((t) => t.split('\n').find((l) => l.trim() && !/^(automation|identity|connection|credential) ·/i.test(l))!.trim());
      expect(boxes).toEqual([
        'Sync incident to Microsoft Graph',
        '↓ CALLS',
        'GraphClient',
        '↓ INVOKES',
        'Microsoft Graph API',
        '↓ USES',
        'Graph OAuth profile',
        '↓ AUTHENTICATES_AS',
        'SN-Graph-Integration',
      ]);
      const first = await chains.nth(0).innerText();
      expect(first).toContain('Matched client_id = 3f2e1d0c-9b8a-4766-a5b4-c3d2e1f0a9b8');
      expect(await chains.nth(1).innerText()).toContain('Nightly directory export');
      const body = await page.locator('body').innerText();
      expect(body).toContain('orphaned');
      expect(body).toContain('Alice Meyer');
      expect(body).toContain('Privileged Role Administrator');
      expect(requested).toEqual([url]);
      await page.close();
    });
  });
});

describe('GraphQL evidencePack', () => {
  const tenant = freshTenant('evidence');
  let storage: MemoryStorageAdapter;
  let api: TestApi;
  beforeAll(async () => {
    storage = MemoryStorageAdapter.create();
    await loadSampleSyncs(storage, tenant);
    api = await startTestApi(storage);
  });
  afterAll(async () => {
    await api?.close();
  });

  const QUERY = 'query Pack($chainId: ID, $identityId: ID, $asOf: String) { evidencePack(chainId: $chainId, identityId: $identityId, asOf: $asOf) }';
  const ask = (variables: Record<string, unknown>, role: 'reader' | 'operator' = 'operator') =>
    postGraphQL(api.server.graphqlUrl, QUERY, variables, api.key(tenant, role));

  it('answers the same content the CLI writes as pack.json, to operators', async () => {
    const r = await ask({ identityId: SAMPLE_IDS.graphPrincipal, asOf: 'sample-sync-2' });
    expect(r.body.errors).toBeUndefined();
    const expected = await buildEvidencePack(storage, tenant, { identityId: SAMPLE_IDS.graphPrincipal }, { asOf: 'sample-sync-2' });
    expect(r.body.data!.evidencePack).toEqual(expected);
    expect(r.body.data!.evidencePack.chains).toHaveLength(2);
  });

  it('refuses readers, an unknown chain and ambiguous arguments with typed codes', async () => {
    expect(codesOf(await ask({ identityId: SAMPLE_IDS.graphPrincipal }, 'reader'))).toEqual(['FORBIDDEN']);
    expect(codesOf(await ask({ chainId: 'chain:000000000000000000000000' }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await ask({ chainId: 'chain:x', identityId: SAMPLE_IDS.graphPrincipal }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await ask({ identityId: SAMPLE_IDS.graphPrincipal, asOf: 'no-such-sync' }))).toEqual(['BAD_USER_INPUT']);
  });
});

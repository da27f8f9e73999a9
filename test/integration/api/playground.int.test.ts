import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumExecutable } from '../../support/browser.ts';
import { postGraphQL } from './support.ts';

// `authgraph serve --demo` as a user runs it (a real process on a free port), and its playground
// page in headless Chromium: the page loads from this server alone, runs an executionChains query
// with the demo key the terminal printed (the page never carries one), shows the result, and passes a key the user types.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Served {
  child: ChildProcess;
  url: string;
  key: string;
  output: () => string;
}

async function serveDemo(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'authgraph-serve-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo', '--port', '0'], {
    env: { ...process.env, AUTHGRAPH_STORE: 'sqlite', AUTHGRAPH_DB: join(dir, 'authgraph.db'), AUTHGRAPH_API_KEYS_FILE: join(dir, 'keys.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/playground at (http:\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`authgraph serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: /playground at (http:\S+)/.exec(out)![1]!, key: /^(agk_\S+)$/m.exec(out)![1]!, output: () => out };
}

describe('authgraph serve --demo and its playground (headless Chromium)', () => {
  let served: Served;
  let browser: Browser;
  beforeAll(async () => {
    // CHROMIUM_PATH / PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, else chromium on PATH; none: a one-line install hint.
    [served, browser] = await Promise.all([serveDemo(), chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_FLAGS })]);
  });
  afterAll(async () => {
    await browser?.close();
    if (served?.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await new Promise((r) => served.child.once('exit', r));
    }
  });

  it('prints the demo key once, and the key reads the sample tenant', async () => {
    expect(served.output().match(/agk_/g)).toHaveLength(1);
    expect(served.output()).toContain('Loaded the sample tenant "contoso"');
    const r = await postGraphQL(`${served.url}graphql`, '{ viewer { tenantId role } }', {}, served.key);
    expect(r.body.data).toEqual({ viewer: { tenantId: 'contoso', role: 'reader' } });
  });

  it('loads the page from this server only, runs executionChains and shows the chains', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(served.url);
    // The page never carries a key (DNS rebinding): the user pastes the one the terminal printed.
    expect(await page.content()).not.toContain(served.key);
    expect(await page.content()).not.toMatch(/agk_[A-Za-z0-9]/); // no key at all, only the field's 'agk_…' hint
    await expect.poll(() => page.inputValue('#authgraph-api-key'), { timeout: 30_000 }).toBe('');
    await page.fill('#authgraph-api-key', served.key);
    await page.click('form.authgraph-bar button[type=submit]');
    await page.locator('.graphiql-execute-button').click({ timeout: 30_000 });
    const response = page.locator('.graphiql-response');
    await expect.poll(() => response.innerText(), { timeout: 30_000 }).toContain('SN-Graph-Integration');
    expect(await response.innerText()).toContain('"totalCount": 2');
    expect(pageErrors).toEqual([]);
    expect(requested.filter((u) => !u.startsWith(served.url) && !u.startsWith('data:'))).toEqual([]);

    // A key the user types replaces the first; a wrong key gets UNAUTHENTICATED.
    await page.fill('#authgraph-api-key', 'agk_0000000000000000_not-a-real-key-at-all');
    await page.click('form.authgraph-bar button[type=submit]');
    await page.locator('.graphiql-execute-button').click({ timeout: 30_000 });
    await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 30_000 }).toContain('UNAUTHENTICATED');
    await page.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    served.child.kill('SIGTERM');
    const code = await new Promise((r) => served.child.once('exit', r));
    expect(code).toBe(0);
  });
});

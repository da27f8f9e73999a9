import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POSTURE_NUMBERS,
  clickGraphNode,
  foreignRequests,
  launchChromium,
  metrics,
  newDashboardPage,
  postureMetrics,
  signIn,
  waitForView,
} from '../../support/dashboard-browser.ts';
import { SAMPLE_IDS } from '../../support/sample-tenant.ts';
import { postGraphQL } from '../api/support.ts';
import { tempDir } from '../../support/temp-dir.ts';

// `authgraph serve --demo` as a user runs it (a real process, the sample tenant's three syncs) and
// its /dashboard in headless Chromium at 1280×800: every number on screen is the API's, a click on
// a chain node opens its evidence, the as-of control shows an older sync's numbers, and nothing
// is requested from anywhere but this server. Screenshots go to test-output/dashboard/ (ignored).
const SHOTS = join(process.cwd(), 'test-output', 'dashboard');

interface Served {
  child: ChildProcess;
  url: string;
  key: string;
}

async function serveDemo(): Promise<Served> {
  const dir = tempDir('authgraph-dashboard-');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo', '--port', '0'], {
    env: { ...process.env, AUTHGRAPH_STORE: 'sqlite', AUTHGRAPH_DB: join(dir, 'authgraph.db'), AUTHGRAPH_API_KEYS_FILE: join(dir, 'keys.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Analyst dashboard at (http:\S+)dashboard/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`authgraph serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: /Analyst dashboard at (http:\S+)dashboard/.exec(out)![1]!, key: /^(agk_\S+)$/m.exec(out)![1]! };
}

describe('the analyst dashboard over authgraph serve --demo (headless Chromium)', () => {
  let served: Served;
  let browser: Browser;
  const api = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(`${served.url}graphql`, query, variables, served.key);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [served, browser] = await Promise.all([serveDemo(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    if (served?.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await new Promise((r) => served.child.once('exit', r));
    }
  });

  it('serves the page without the key; the key typed once is kept for the tab only', async () => {
    const html = await (await fetch(`${served.url}dashboard`)).text();
    expect(html).toContain('/dashboard/app.js');
    expect(html).not.toContain('agk_');
    const { page, pageErrors } = await newDashboardPage(browser);
    await page.goto(`${served.url}dashboard`);
    await page.waitForSelector('#api-key');
    await page.fill('#api-key', 'agk_0000000000000000_not-a-real-key-at-all');
    await page.click('main.login button[type=submit]');
    await expect.poll(() => page.locator('main.login [role=alert]').innerText(), { timeout: 30_000 }).toContain('UNAUTHENTICATED');
    await page.fill('#api-key', served.key);
    await page.click('main.login button[type=submit]');
    await waitForView(page, 'posture');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('authgraph.apiKey'))).toBe(served.key);
    await page.reload();
    await waitForView(page, 'posture'); // no second prompt in the same tab
    expect(await page.locator('#api-key').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('posture: every number is the API’s, now and as of an older sync, and each opens its list', async () => {
    const { page, requests, pageErrors } = await newDashboardPage(browser);
    await signIn(page, served.url, served.key, '#posture');
    const now = (await api(POSTURE_NUMBERS)).body.data!.posture;
    expect(await metrics(page)).toEqual(postureMetrics(now));
    const rows = await page.$$eval('[data-connector]', (els) => els.map((e) => [(e as any).dataset.connector, e.querySelector('td.status')?.textContent]));
    expect(rows).toEqual(now.connectors.map((c: any) => [c.connectorId, c.lastSync.status]));
    await page.screenshot({ path: join(SHOTS, 'posture.png') });

    // The list behind a number: the privileged identities, by name.
    await page.click('[data-metric="privilegedReachable"]');
    await expect.poll(() => page.locator('#posture-list').innerText()).toContain('SN-Graph-Integration');
    await page.click('[data-metric="identities.orphaned"]');
    await expect.poll(() => page.locator('#posture-list').innerText()).toContain('SN-Graph-Integration');

    // As of sync 2 the Graph OAuth profile was expiring, not yet expired: the page redraws with those numbers.
    await page.selectOption('#as-of', 'sample-sync-2');
    await waitForView(page, 'posture');
    const older = (await api(POSTURE_NUMBERS, { asOf: 'sample-sync-2' })).body.data!.posture;
    expect(postureMetrics(older)).not.toEqual(postureMetrics(now));
    expect(await metrics(page)).toEqual(postureMetrics(older));
    expect(await page.locator('.asof-note').innerText()).toContain('sample-sync-2');
    await page.screenshot({ path: join(SHOTS, 'posture-as-of-sync-2.png') });

    // The query behind the view, ready to script.
    await page.click('#copy-query');
    expect(await page.inputValue('#query-text')).toContain('posture(asOf: $asOf');
    expect(await page.inputValue('#query-text')).toContain('"asOf": "sample-sync-2"');
    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, served.url)).toEqual([]);
    await page.close();
  });

  it('chain explorer: the chains the API returns, drawn per source system; a node click opens its evidence', async () => {
    const { page, requests, pageErrors } = await newDashboardPage(browser);
    await signIn(page, served.url, served.key, `#explorer?node=${encodeURIComponent(SAMPLE_IDS.graphPrincipal)}`);
    const chains = (await api(`query C($to: ID) { executionChains(to: $to) { totalCount edges { node { nodes { id sourceSystem } } } } }`, { to: SAMPLE_IDS.graphPrincipal })).body.data!.executionChains;
    expect((await metrics(page))['explorer.chains']).toBe(chains.totalCount);
    const lanes = await page.evaluate(() => (globalThis as any).authgraphDashboard.cy.nodes('.lane').map((n: any) => n.id()).sort());
    const systems = [...new Set(chains.edges.flatMap((e: any) => e.node.nodes.map((n: any) => n.sourceSystem)))].sort();
    expect(lanes).toEqual(systems.map((s) => `lane:${s}`));
    // Every node sits in its system's lane.
    const parents = await page.evaluate(() => (globalThis as any).authgraphDashboard.cy.nodes('[nodeType]').map((n: any) => [n.id(), n.parent().id()]));
    const systemOf = new Map<string, string>(chains.edges.flatMap((e: any) => e.node.nodes.map((n: any) => [n.id, n.sourceSystem])));
    for (const [id, parent] of parents) expect(parent).toBe(`lane:${systemOf.get(id)}`);

    // The OAuth profile: its AUTHENTICATES_AS hop carries the cross-system proof (client_id match).
    await clickGraphNode(page, SAMPLE_IDS.oauthProfile);
    const evidence = page.locator(`#details .evidence[data-node-id="${SAMPLE_IDS.oauthProfile}"]`);
    await expect.poll(() => evidence.innerText(), { timeout: 10_000 }).toContain('AUTHENTICATES_AS');
    expect(await evidence.innerText()).toContain('client_id');
    expect(await evidence.innerText()).toContain('Cross-system proof');
    // The identity: its ownership signals come from Query.ownership (orphaned: the owner departed).
    await clickGraphNode(page, SAMPLE_IDS.graphPrincipal);
    await expect.poll(() => page.locator('#details .ownership').innerText(), { timeout: 10_000 }).toContain('orphaned');
    await page.screenshot({ path: join(SHOTS, 'explorer.png') });

    // Keyboard: the same node from the chain table's buttons; a filter that hides every chain.
    await page.locator('#chain-table .node-button', { hasText: 'GraphClient' }).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#details h3').innerText()).toBe('GraphClient');
    await page.locator('fieldset.filters select').first().selectOption('owned');
    await waitForView(page, 'explorer');
    expect(await page.locator('#chain-table').innerText()).toContain('No chain passes the filters');

    await page.locator('fieldset.filters select').first().selectOption({ index: 0 });
    await waitForView(page, 'explorer');
    expect(await page.locator('#chain-table tr[data-chain-id]').count()).toBe(chains.totalCount);

    // Through a credential and through a script include: the same two chains (they share both);
    // through the flow, its RUNS_AS chain alone. A link (the address) moves the explorer.
    const explore = async (id: string, name: string) => {
      await page.goto(`${served.url}dashboard#explorer?node=${encodeURIComponent(id)}`);
      await page.waitForSelector(`#view[data-ready="true"] .explorer-main h2:has-text("Chains through ${name}")`);
      return { count: (await metrics(page))['explorer.chains'], rows: await page.locator('#chain-table tr[data-chain-id]').count() };
    };
    expect(await explore(SAMPLE_IDS.oauthProfile, 'Graph OAuth profile')).toEqual({ count: chains.totalCount, rows: chains.totalCount });
    expect(await explore(SAMPLE_IDS.scriptInclude, 'GraphClient')).toEqual({ count: chains.totalCount, rows: chains.totalCount });
    expect(await explore(SAMPLE_IDS.flow, 'HR onboarding flow')).toEqual({ count: 1, rows: 1 });
    await explore(SAMPLE_IDS.graphPrincipal, 'SN-Graph-Integration');

    // Readers may not export evidence packs; the page says so.
    await page.click('.actions button');
    await expect.poll(() => page.locator('#action-status').innerText()).toContain('operator');
    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, served.url)).toEqual([]);
    await page.close();
  });

  it('drift timeline: findings per sync as the API counts them, through to a finding and its chains', async () => {
    const { page, requests, pageErrors } = await newDashboardPage(browser);
    await signIn(page, served.url, served.key, '#drift');
    const drift = async (since: string, until: string) => (await api(`query D($s: String!, $u: String) { drift(since: $s, until: $u) { findings { type severity } } }`, { s: since, u: until })).body.data!.drift.findings;
    const [two, three] = await Promise.all([drift('sample-sync-1', 'sample-sync-2'), drift('sample-sync-2', 'sample-sync-3')]);
    expect(await metrics(page)).toMatchObject({ 'drift.sample-sync-2': two.length, 'drift.sample-sync-3': three.length });
    expect(two.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'drift.png') });
    await page.click('[data-metric="drift.sample-sync-2"]');
    const findings = page.locator('#drift-findings li[data-finding] button');
    expect(await findings.count()).toBe(two.length);
    await page.locator('#drift-findings li[data-finding] button', { hasText: 'scope expanded' }).first().click();
    await expect.poll(() => page.locator('#drift-findings').innerText()).toContain('Entities');
    await page.screenshot({ path: join(SHOTS, 'drift-finding.png') });
    // "View as of" moves the whole dashboard to that sync.
    await page.goto(`${served.url}dashboard#drift`);
    await waitForView(page, 'drift');
    await page.locator('tr[data-sync="sample-sync-1"] button', { hasText: 'View as of' }).click();
    await waitForView(page, 'posture');
    const first = (await api(POSTURE_NUMBERS, { asOf: 'sample-sync-1' })).body.data!.posture;
    expect(await metrics(page)).toEqual(postureMetrics(first));
    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, served.url)).toEqual([]);
    await page.close();
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
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
import { BASE_SYNC, NEXT_SYNC, startSyntheticDashboard } from '../../support/synthetic-dashboard.ts';
import type { SyntheticDashboard } from '../../support/synthetic-dashboard.ts';
import { postGraphQL } from '../api/support.ts';

// The dashboard over the synthetic tenant (bench/synthetic, two syncs, 5% changed) in headless
// Chromium: numbers equal the API's now and as of the baseline, the explorer draws the chains of
// the most-reached privileged identity and a node click opens its evidence, the drift timeline
// counts the second sync's findings, and the operator key exports an evidence pack.
const SHOTS = join(process.cwd(), 'test-output', 'dashboard', 'synthetic');
const NODES = 4_000;

describe.skipIf(!existsSync(CHROMIUM))('the analyst dashboard over the synthetic tenant (headless Chromium)', () => {
  let synthetic: SyntheticDashboard;
  let browser: Browser;
  const api = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(synthetic.server.graphqlUrl, query, variables, synthetic.key);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [synthetic, browser] = await Promise.all([startSyntheticDashboard(NODES, 0.05), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await synthetic?.close();
  });

  it('renders the API’s numbers in every view, follows the as-of control, and stays on its origin', async () => {
    const { page, requests, pageErrors } = await newDashboardPage(browser);
    const base = synthetic.server.url;
    await signIn(page, base, synthetic.key, '#posture');
    const now = (await api(POSTURE_NUMBERS)).body.data!.posture;
    expect(now.chainsByKind[0].count).toBeGreaterThan(100);
    expect(await metrics(page)).toEqual(postureMetrics(now));
    await page.screenshot({ path: join(SHOTS, 'posture.png') });

    const older = (await api(POSTURE_NUMBERS, { asOf: BASE_SYNC })).body.data!.posture;
    expect(postureMetrics(older)).not.toEqual(postureMetrics(now));
    await page.selectOption('#as-of', BASE_SYNC);
    await waitForView(page, 'posture');
    expect(await metrics(page)).toEqual(postureMetrics(older));

    // Explorer: the privileged identity most chains reach, as of the baseline.
    const top = (await api(`query T($asOf: String) { posture(asOf: $asOf, top: 1) { privilegedReachable { top { nodeId chains } } } }`, { asOf: BASE_SYNC })).body.data!.posture.privilegedReachable.top[0];
    await page.click('[data-metric="privilegedReachable"]');
    await page.locator('#posture-list li button').first().click();
    await waitForView(page, 'explorer');
    const C = `query C($to: ID, $asOf: String, $kinds: [ChainKind!]) { executionChains(to: $to, asOf: $asOf, kinds: $kinds) { totalCount edges { node { start { id } } } } }`;
    const chains = (await api(C, { to: top.nodeId, asOf: BASE_SYNC })).body.data!.executionChains;
    // The ranked list counts execution chains; the explorer shows every kind (latent paths too).
    const execution = (await api(C, { to: top.nodeId, asOf: BASE_SYNC, kinds: ['authenticates_as', 'runs_as'] })).body.data!.executionChains;
    expect(execution.totalCount).toBe(top.chains);
    expect((await metrics(page))['explorer.chains']).toBe(chains.totalCount);
    const automation = chains.edges[0].node.start.id;
    await clickGraphNode(page, automation);
    await expect.poll(() => page.locator(`#details .evidence[data-node-id="${automation}"]`).innerText(), { timeout: 10_000 }).toContain('Evidence');
    await expect.poll(() => page.locator('#details .ownership').innerText(), { timeout: 10_000 }).toMatch(/owned|orphaned|unattributed|disputed/);
    await page.screenshot({ path: join(SHOTS, 'explorer.png') });

    // An operator exports the evidence pack of what is on screen (every chain to the identity).
    const download = page.waitForEvent('download');
    await page.click('.actions button');
    const pack = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8')));
    expect(pack.subject).toEqual({ kind: 'identity', identityId: top.nodeId });
    expect(pack.chains.length).toBeGreaterThanOrEqual(top.chains);
    expect(pack.time.requested).toBe(BASE_SYNC);

    // Drift: the second sync's findings, as the API counts them.
    await page.selectOption('#as-of', '');
    await page.click('#tab-drift');
    await waitForView(page, 'drift');
    const drift = (await api(`query D($s: String!, $u: String) { drift(since: $s, until: $u) { findings { findingId } } }`, { s: BASE_SYNC, u: NEXT_SYNC })).body.data!.drift;
    expect(drift.findings.length).toBeGreaterThan(0);
    expect((await metrics(page))[`drift.${NEXT_SYNC}`]).toBe(drift.findings.length);
    await page.screenshot({ path: join(SHOTS, 'drift.png') });

    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, base)).toEqual([]);
    await page.close();
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { POSTURE_NUMBERS, foreignRequests, launchChromium, metrics, newDashboardPage, postureMetrics, signIn, waitForView } from '../../support/dashboard-browser.ts';
import { freshTenant } from '../../support/sample-tenant.ts';
import { VERDICT_IDS, verdictTenant } from '../../support/verdict-tenant.ts';
import { postGraphQL, startTestApi } from '../api/support.ts';
import type { TestApi } from '../api/support.ts';

// Chain kinds beyond execution chains (issue 12) on the dashboard: the verdict tenant has a latent
// path, two partial chains and an inbound OAuth chain. Posture counts each kind as the API does,
// each count lists its chains, and the explorer shows where and why a partial chain stops.
const SHOTS = join(process.cwd(), 'test-output', 'dashboard', 'verdicts');

describe('the dashboard’s partial chains and latent paths (headless Chromium)', () => {
  let api: TestApi;
  let browser: Browser;
  let key: string;
  const tenantId = freshTenant('dash-verdicts');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const storage = MemoryStorageAdapter.create();
    const graph = verdictTenant(tenantId);
    await applyGraph(storage, graph);
    // Seven more syncs (nothing changes): a timeline of eight syncs, one drift report per pair.
    for (let i = 1; i <= 7; i++) await applyGraph(storage, { ...graph, syncId: `later-${i}`, transformedAt: new Date(Date.parse(graph.transformedAt) + i * 86_400_000).toISOString() });
    [api, browser] = await Promise.all([startTestApi(storage), launchChromium()]);
    key = api.key(tenantId, 'reader');
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('counts every chain kind as executionChains does, lists them, and shows a partial chain’s stop', async () => {
    const gql = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(api.server.graphqlUrl, query, variables, key);
    const { page, requests, pageErrors } = await newDashboardPage(browser);
    await signIn(page, api.server.url, key, '#posture');
    const posture = (await gql(POSTURE_NUMBERS)).body.data!.posture;
    const byKind = Object.fromEntries(posture.chainsByKind.map((c: any) => [c.kind, c.count]));
    for (const kind of Object.keys(byKind)) {
      const listed = (await gql(`query K($k: [ChainKind!]) { executionChains(kinds: $k) { totalCount } }`, { k: [kind] })).body.data!.executionChains.totalCount;
      expect(byKind[kind], kind).toBe(listed);
    }
    expect(byKind).toMatchObject({ partial: 2, latent: 1, inbound_oauth: 1 });
    expect(await metrics(page)).toEqual(postureMetrics(posture));
    await page.click('[data-metric="chains.partial"]');
    await expect.poll(() => page.locator('#posture-list').innerText()).toContain('stops at credential');
    expect(await page.locator('#posture-list li').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'posture-partial.png'), fullPage: true });

    // The CRM job's chain stops at an OAuth profile whose client id matches no identity.
    await page.locator('#posture-list li button', { hasText: 'Nightly CRM sync' }).click();
    await page.waitForSelector('#view[data-view="explorer"][data-ready="true"] .explorer-main h2:has-text("Nightly CRM sync")');
    const row = page.locator('#chain-table tr[data-chain-id]');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('stops: stops at credential');
    expect(await row.innerText()).toContain(VERDICT_IDS.crmClientId);
    await page.screenshot({ path: join(SHOTS, 'explorer-partial.png') });

    // The drift timeline asks one report per sync after the first: all seven arrive, none refused.
    await page.click('#tab-drift');
    await waitForView(page, 'drift');
    const drift = await metrics(page);
    expect(Object.keys(drift).filter((k) => k.startsWith('drift.'))).toHaveLength(7);
    expect(await page.locator('#view .error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    expect(foreignRequests(requests, api.server.url)).toEqual([]);
    await page.close();
  });
});

import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

// Drives the /dashboard page in headless Chromium (playwright-core, the machine's /usr/bin/chromium):
// shared by the dashboard tests and bench/dashboard.bench.ts.

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

export interface DashboardPage {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  pageErrors: string[];
}

/** A 1280×800 page that records its requests and script errors. */
export async function newDashboardPage(browser: Browser): Promise<DashboardPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const requests: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, requests, pageErrors };
}

/** Opens the dashboard and types the key into its form, as an analyst does. */
export async function signIn(page: Page, baseUrl: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${baseUrl}dashboard${hash}`);
  await page.fill('#api-key', key);
  await page.click('main.login button[type=submit]');
  await waitForView(page);
}

/**
 * Waits until the current view has drawn its data, including the parts it fills in after its first
 * render (marked data-pending until they arrive).
 */
export async function waitForView(page: Page, view?: string, timeout = 30_000): Promise<void> {
  const ready = view ? `#view[data-view="${view}"][data-ready="true"]` : '#view[data-ready="true"]';
  await page.waitForSelector(`${ready}:not(:has([data-pending]))`, { timeout });
}

/** The numbers on screen, by data-metric key ("1,234" read as 1234). */
export async function metrics(page: Page): Promise<Record<string, number>> {
  const pairs = await page.$$eval('[data-metric]', (els) =>
    els.map((e) => [(e as any).dataset.metric!, (e.querySelector('.value') ?? e).textContent ?? ''] as const),
  );
  const out: Record<string, number> = {};
  for (const [key, text] of pairs) {
    const n = Number(text.replace(/[^\d]/g, ''));
    if (text.trim() !== '' && Number.isFinite(n)) out[key] = n;
  }
  return out;
}

/** Clicks a node of the chain graph where cytoscape drew it (a real mouse click on the canvas). */
export async function clickGraphNode(page: Page, nodeId: string): Promise<void> {
  const at = await page.evaluate((id) => {
    const cy = (globalThis as unknown as { authgraphDashboard: { cy: any } }).authgraphDashboard.cy;
    const node = cy.$id(id);
    if (node.empty()) throw new Error(`no node ${id} in the graph`);
    const p = node.renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, nodeId);
  await page.mouse.click(at.x, at.y);
}

/** Requests that went anywhere but the server's own origin (data: URLs are inline, not requests). */
export const foreignRequests = (requests: string[], baseUrl: string) => requests.filter((u) => !u.startsWith(baseUrl) && !u.startsWith('data:') && !u.startsWith('blob:'));

/** The GraphQL the posture view's numbers must equal, and those numbers keyed as the page keys them. */
export const POSTURE_NUMBERS = `query P($asOf: String) { posture(asOf: $asOf, expiringWithinDays: 30, top: 100) {
  identitiesByOwnership { state count } chainsByKind { kind count }
  privilegedReachable { count } credentialsExpired { count } credentialsExpiring { count }
  connectors { connectorId lastSync { syncId status } }
} }`;

export function postureMetrics(posture: any): Record<string, number> {
  return {
    ...Object.fromEntries(posture.identitiesByOwnership.map((o: any) => [`identities.${o.state}`, o.count])),
    ...Object.fromEntries(posture.chainsByKind.map((c: any) => [`chains.${c.kind}`, c.count])),
    privilegedReachable: posture.privilegedReachable.count,
    credentialsExpired: posture.credentialsExpired.count,
    credentialsExpiring: posture.credentialsExpiring.count,
  };
}

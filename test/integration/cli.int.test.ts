import { execFile } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { tooLargeToLoad } from '../../src/cli/commands/load.ts';
import { main } from '../../src/cli/main.ts';
import { SAMPLE_IDS } from '../support/sample-tenant.ts';
import { tempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const SAMPLE = 'fixtures/sample/tenant.json';

/** Runs the CLI in-process against a fresh state file; returns exit code and what it printed. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('authgraph CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('authgraph-cli-');
    process.env.AUTHGRAPH_DB = join(dir, 'authgraph.db');
    process.env.AUTHGRAPH_STORE = 'sqlite';
  });

  it('loads a graph, then loading it again prints zero changes', async () => {
    const first = await cli(['load', SAMPLE]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('nodes: +21 created, ~0 updated, -0 deleted');
    const second = await cli(['load', SAMPLE]);
    expect(second.code).toBe(0);
    expect(second.out).toContain('nodes: +0 created, ~0 updated, -0 deleted');
    expect(second.out).toContain('events: 0');
  });

  it('rejects a bad file naming every wrong field, and changes nothing', async () => {
    await cli(['load', SAMPLE]);
    const bad = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    bad.nodes[0].status = 'sleeping';
    bad.nodes[1].properties.automationSubtype = 'macro';
    bad.edges[0].edgeType = 'HACKS';
    bad.nodes[2].properties.client_secret = 'hunter2-hunter2';
    bad.nodes = bad.nodes.slice(0, 5);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const res = await cli(['load', file]);
    expect(res.code).toBe(1);
    expect(res.err).toContain('nothing was changed');
    expect(res.err).toContain('nodes[0].status');
    expect(res.err).toContain('nodes[1].properties.automationSubtype');
    expect(res.err).toContain('edges[0].edgeType');
    expect(res.err).toContain('nodes[2].properties.client_secret');
    const events = await cli(['events', '--tenant', 'contoso', '--limit', '1000']);
    expect(events.out).toContain('44 event(s)');
  });

  it('prints the execution chains ending at an identity, and ownership', async () => {
    await cli(['load', SAMPLE]);
    const paths = await cli(['paths', '--tenant', 'contoso', '--to', SAMPLE_IDS.graphPrincipal]);
    expect(paths.code).toBe(0);
    expect(paths.out).toContain('2 chain(s)');
    expect(paths.out).toMatch(/business rule "Sync incident to Microsoft Graph"[\s\S]*─CALLS→ script include[\s\S]*─INVOKES→ rest message[\s\S]*─USES→ oauth profile[\s\S]*─AUTHENTICATES_AS→ service principal "SN-Graph-Integration"/);
    const from = await cli(['paths', '--tenant', 'contoso', '--from', SAMPLE_IDS.flow, '--json']);
    expect(JSON.parse(from.out)[0].edges).toEqual(['RUNS_AS']);
    const owner = await cli(['ownership', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso']);
    expect(owner.out).toContain('ORPHANED');
    expect(owner.out).toContain('Alice Meyer');
  });

  it('reports drift across the three sample syncs and queues findings once', async () => {
    for (const f of ['tenant', 'tenant-sync2', 'tenant-sync3']) expect((await cli(['load', `fixtures/sample/${f}.json`])).code).toBe(0);
    const drift = await cli(['drift', '--tenant', 'contoso', '--since', 'sample-sync-1', '--until', 'sample-sync-3', '--publish']);
    expect(drift.code).toBe(0);
    expect(drift.out).toContain('[CRITICAL] scope_expanded: SN-Graph-Integration gained AppRoleAssignment.ReadWrite.All with no re-approval');
    expect(drift.out).toContain('[HIGH] credential_expired_in_use: Graph OAuth profile');
    expect(drift.out).toContain('3 new finding(s) queued');
    const again = await cli(['drift', '--tenant', 'contoso', '--since', 'sample-sync-1', '--until', 'sample-sync-3', '--publish']);
    expect(again.out).toContain('0 new finding(s) queued');
    expect((await cli(['drift', '--tenant', 'contoso'])).code).toBe(2);
    // The same reads as of an earlier sync: Dana's approval (sync 3) is not there yet in sync 2.
    const now = await cli(['ownership', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso']);
    const then = await cli(['ownership', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso', '--as-of', 'sample-sync-2']);
    expect(now.out).toContain('Dana Whitfield');
    expect(then.out).not.toContain('Dana Whitfield');
    expect((await cli(['paths', '--tenant', 'contoso', '--to', SAMPLE_IDS.graphPrincipal, '--as-of', '2026-01-01T00:00:00Z'])).out).toContain('0 chain(s)');
    expect((await cli(['paths', '--tenant', 'contoso', '--to', SAMPLE_IDS.graphPrincipal, '--as-of', 'sample-sync-1'])).out).toContain('2 chain(s)');
    expect((await cli(['ownership', SAMPLE_IDS.graphPrincipal, '--tenant', 'contoso', '--as-of', 'nope'])).code).toBe(1);
  });

  it('refuses a graph file too large for this process before reading it, and changes nothing', async () => {
    // A sparse file: 700 MiB on paper, nothing on disk.
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 700 * 2 ** 20);
    const refused = await cli(['load', huge]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/700 MiB.*split it into one graph file per connector.*nothing was changed/);
    expect((await cli(['syncs', '--tenant', 'contoso'])).out).not.toContain('sample-sync');
    const GiB = 2 ** 30;
    expect(tooLargeToLoad(20 * 2 ** 20, 4 * GiB)).toBeUndefined();
    expect(tooLargeToLoad(400 * 2 ** 20, 2 * GiB)).toMatch(/NODE_OPTIONS=--max-old-space-size=3072/);
    expect(tooLargeToLoad(400 * 2 ** 20, 4 * GiB)).toBeUndefined();
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect((await cli(['paths', '--tenant', 'contoso', '--kind', 'maybe'])).err).toContain('--kind must be one of authenticates_as, runs_as, inbound_oauth, partial, latent');
    expect((await cli(['paths', '--tenant', 'contoso', '--to', 'x', '--max-depth', '99'])).err).toContain('capped at 10');
    expect((await cli(['nope'])).code).toBe(2);
    expect((await cli(['load'])).err).toContain('usage: authgraph load');
  });

  it('npm start syncs the fixture sources and shows the cross-system chain with ownership and permissions', async () => {
    const { stdout } = await run('npx', ['tsx', 'src/cli/main.ts', 'demo'], { env: { ...process.env, AUTHGRAPH_DB: join(dir, 'demo.db') } });
    expect(stdout).toMatch(
      /business rule "[^"]+" \[servicenow\]\n\s+─CALLS→ script include "[^"]+" \[servicenow\]\n\s+─INVOKES→ rest message "[^"]+" \[servicenow\]\n\s+─USES→ oauth profile "[^"]+" \[servicenow\]\n\s+─AUTHENTICATES_AS→ service principal "ServiceNow Integration - Directory Sync" \[entra_id\]/,
    );
    expect(stdout).toMatch(/service principal "ServiceNow Integration - Directory Sync" \[entra_id\]: ORPHANED/);
    expect(stdout).toContain('Directory.ReadWrite.All (admin on directory)');
    // The GitHub workflow that logs in to Entra through a federated credential: no secret at all,
    // yet it runs as a privileged, unowned service principal.
    expect(stdout).toMatch(
      /ci workflow "contoso\/infra-deploy: Deploy infrastructure" \[github\]\n\s+─USES→ federated identity credential "Legacy Reporting: github-infra-deploy-production" \[entra_id\]\n\s+─AUTHENTICATES_AS→ service principal "Legacy Reporting" \[entra_id\]/,
    );
    expect(stdout).toMatch(/service principal "Legacy Reporting" \[entra_id\]: UNATTRIBUTED\n(.*\n)*?\s+privileged role: Application Administrator/);
    // The partial chains the fixture instances hold: a job calling a basic-auth REST message, a
    // workflow passing a deleted app's client id beside its secret, a workflow's npm token.
    expect(stdout).toContain('3 chain(s) stopping short of an identity');
    expect(stdout).toMatch(/ci workflow "contoso\/legacy-scripts: Nightly report" \[github\]\n\s+─USES→ ci secret "LEGACY_SP_SECRET \(contoso\/legacy-scripts\)" \[github\]\n\s+✗ stops_at_credential: client id 9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d matches no identity/);
    expect(stdout).toMatch(
      /PARTIAL chain, 1 hop\(s\), chain:\w+\nscheduled job "Weekly HR case export" \[servicenow\] \(disabled\)\n\s+─INVOKES→ rest message "Workday Export" \[servicenow\]\n\s+✗ stops_at_connection: authenticates with a stored user name and password \(basic auth\)/,
    );
  });

  it('paths: every chain verdict of the tenant, or only the kinds asked for', async () => {
    const { writeFileSync: write } = await import('node:fs');
    const { verdictTenant } = await import('../support/verdict-tenant.ts');
    const file = join(dir, 'verdicts.json');
    write(file, JSON.stringify(verdictTenant('contoso')));
    expect((await cli(['load', file])).code).toBe(0);
    const all = await cli(['paths', '--tenant', 'contoso']);
    expect(all.out).toContain('7 chain(s)');
    const partial = await cli(['paths', '--tenant', 'contoso', '--kind', 'partial', '--json']);
    const json = JSON.parse(partial.out);
    expect(json.map((c: any) => [c.kind, c.stop.reason, c.edges])).toEqual([
      ['partial', 'stops_at_credential', ['INVOKES', 'USES']],
      ['partial', 'stops_at_connection', ['INVOKES']],
    ]);
    const text = await cli(['paths', '--tenant', 'contoso', '--kind', 'partial,latent']);
    expect(text.out).toContain('LATENT path (library code nothing calls)');
    expect(text.out).toContain('✗ stops_at_credential: client id 0dead0be-ef00-4000-8000-00000000c0de matches no identity');
    expect(text.out).toContain('searched: clientId 0dead0be-ef00-4000-8000-00000000c0de against appId of 2 identities in entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47');
    expect(text.out).toContain('3 chain(s)');
  });
});

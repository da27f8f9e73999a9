import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { SAMPLE_IDS } from '../support/sample-tenant.ts';

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
    dir = mkdtempSync(join(tmpdir(), 'authgraph-cli-'));
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

  it('explains usage mistakes with exit code 2', async () => {
    expect((await cli(['paths', '--tenant', 'contoso'])).code).toBe(2);
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
  });
});

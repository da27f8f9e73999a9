import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { buildOaaPayload } from '../../../src/oaa/build-oaa-payload.ts';
import { OaaCustomApplicationPayload } from '../../../src/oaa/oaa-template.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { loadSampleHistory } from '../../support/sample-history.ts';
import { SAMPLE_IDS, freshTenant } from '../../support/sample-tenant.ts';
import { neo4jUri } from '../../support/services.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ENTRA = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47';
const SP = SAMPLE_IDS.graphPrincipal;

describe.each([
  ['memory', async (): Promise<StorageAdapter> => MemoryStorageAdapter.create()],
  ['neo4j', async (): Promise<StorageAdapter> => Neo4jStorageAdapter.connect({ uri: neo4jUri() })],
])('OAA export of the sample history: %s', (_name, open) => {
  it('writes a valid Custom Application payload with the seed mapping, now and as of an earlier sync', async () => {
    const storage = await open();
    try {
      const tenantId = freshTenant('oaa');
      await loadSampleHistory(storage, tenantId);
      const now = await buildOaaPayload(storage, tenantId, { now: '2026-03-01T00:00:00.000Z' });
      // Validated on the way out; validate again here so the test states the contract.
      expect(OaaCustomApplicationPayload.safeParse(now.payload).success).toBe(true);
      const app = now.payload.applications[0]!;
      expect(app.name).toBe(`authgraph-${tenantId}`);

      const permission = (name: string) => now.payload.permissions.find((p) => p.name === name);
      expect(permission('Directory.ReadWrite.All')).toEqual({
        name: 'Directory.ReadWrite.All',
        permission_type: ['DataRead', 'DataWrite', 'DataCreate', 'DataDelete', 'MetadataRead', 'MetadataWrite', 'MetadataCreate', 'MetadataDelete'],
        apply_to_sub_resources: false,
        resource_types: ['module'],
      });
      expect(permission('User.Read.All')?.permission_type).toEqual(['DataRead']);

      const binding = now.payload.identity_to_permissions.find((b) => b.identity === SP)!;
      expect(binding.application_permissions).toEqual([
        { application: app.name, permission: 'AppRoleAssignment.ReadWrite.All', resources: [`${ENTRA}:res-directory`] },
        { application: app.name, permission: 'Directory.ReadWrite.All', resources: [`${ENTRA}:res-directory`] },
      ]);
      expect(binding.role_assignments?.map((r) => [r.role, r.apply_to_application])).toEqual([
        [`${ENTRA}:role-appadmin`, true],
        [`${ENTRA}:role-privroleadmin`, true],
      ]);
      const sp = app.local_users.find((u) => u.id === SP)!;
      expect(sp.custom_properties).toMatchObject({ identity_kind: 'service_principal', authority_levels: ['SystemAdmin'], normalized_actions: ['admin'] });
      const alice = app.local_users.find((u) => u.id === SAMPLE_IDS.alice)!;
      expect(alice.identities).toEqual(['alice.meyer@contoso.com']);
      expect(app.local_roles.find((r) => r.id === `${ENTRA}:role-appadmin`)?.custom_properties).toMatchObject({ is_privileged: true });
      expect(now.summary.notExported.credentialGrants).toBe(0);

      // As of the first sync the principal had neither the later grant nor the second role.
      const before = await buildOaaPayload(storage, tenantId, { asOf: 'sample-sync-1', now: '2026-03-01T00:00:00.000Z' });
      expect(before.asOf).toBe('2026-01-15T06:00:00.000Z');
      expect(before.payload.applications[0]!.custom_properties).toMatchObject({ graph_as_of: '2026-01-15T06:00:00.000Z' });
      expect(before.payload.permissions.map((p) => p.name)).not.toContain('AppRoleAssignment.ReadWrite.All');
      const early = before.payload.identity_to_permissions.find((b) => b.identity === SP)!;
      expect(early.application_permissions?.map((p) => p.permission)).toEqual(['Directory.ReadWrite.All']);
      expect(early.role_assignments?.map((r) => r.role)).toEqual([`${ENTRA}:role-appadmin`]);
      // Nothing secret-named anywhere in the file.
      expect(JSON.stringify(now.payload)).not.toMatch(/secret"|password|client_secret/i);
    } finally {
      await storage.close();
    }
  });
});

describe('authgraph export oaa', () => {
  it('writes the payload file and says what it left out; bad input exits with usage', async () => {
    const dir = tempDir('authgraph-oaa-');
    process.env.AUTHGRAPH_DB = join(dir, 'authgraph.db');
    process.env.AUTHGRAPH_STORE = 'sqlite';
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(await main(['load', 'fixtures/sample/tenant.json'], io)).toBe(0);
    const file = join(dir, 'oaa.json');
    expect(await main(['export', 'oaa', '--tenant', 'contoso', '--out', file], io)).toBe(0);
    const payload = OaaCustomApplicationPayload.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(payload.applications[0]!.local_users.length).toBeGreaterThan(0);
    expect(out.join('\n')).toMatch(/wrote an OAA custom application payload to .*oaa\.json \(graph now\)/);
    expect(out.join('\n')).toContain(`${payload.permissions.length} permission(s)`);
    expect(await main(['export', 'oaa', '--tenant', 'contoso'], io)).toBe(2);
    expect(err.join('\n')).toContain('name the output file with --out');
    expect(await main(['export', 'oaa', '--tenant', 'contoso', '--as-of', 'no-such-sync', '--out', file], io)).toBe(1);
    expect(err.join('\n')).toContain('no sync no-such-sync');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPackDir, writePackDir } from '../../../src/evidence/pack-dir.ts';
import { MANIFEST_FILE, prettyCanonicalJson, sha256 } from '../../../src/evidence/pack-files.ts';
import type { PackFile } from '../../../src/evidence/pack-files.ts';

function files(): PackFile[] {
  const content = [
    { name: 'pack.json', bytes: Buffer.from('{"a":1}\n') },
    { name: 'report.html', bytes: Buffer.from('<p>hi</p>') },
  ];
  const manifest = { format: 'authgraph.evidence-pack-manifest/1', algorithm: 'sha256', files: content.map((f) => ({ path: f.name, sha256: sha256(f.bytes), bytes: f.bytes.length })) };
  return [...content, { name: MANIFEST_FILE, bytes: Buffer.from(prettyCanonicalJson(manifest)) }];
}

describe('pack directories', () => {
  it('verify passes an intact pack and names modified, missing and extra files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authgraph-pack-'));
    await writePackDir(dir, files());
    expect(await verifyPackDir(dir)).toEqual({ ok: true, intact: ['pack.json', 'report.html'], problems: [] });

    writeFileSync(join(dir, 'report.html'), '<p>hI</p>');
    rmSync(join(dir, 'pack.json'));
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const result = await verifyPackDir(dir);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.problem} ${p.path}`)).toEqual(['missing pack.json', 'modified report.html', 'extra notes.txt']);
  });

  it('refuses a manifest that points outside the pack, and a directory holding other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authgraph-pack-'));
    await writePackDir(dir, files());
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    manifest.files[0].path = '../../etc/passwd';
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    expect((await verifyPackDir(dir)).problems).toEqual([expect.objectContaining({ problem: 'manifest_invalid' })]);
    expect((await verifyPackDir(join(dir, 'nope'))).problems[0]).toMatchObject({ problem: 'manifest_invalid', detail: expect.stringContaining('no manifest.json') });

    writeFileSync(join(dir, 'other.txt'), 'x');
    await expect(writePackDir(dir, files())).rejects.toThrow(/holds other files \(other.txt\)/);
  });
});

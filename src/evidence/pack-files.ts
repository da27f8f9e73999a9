import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/index.ts';
import { assertNoSecrets } from './build-pack.ts';
import type { EvidencePack } from './pack.ts';
import { renderReport } from './render-report.ts';

// The files of a pack, as bytes: pack.json (canonical JSON: sorted keys, two-space indent),
// report.html (rendered from the same pack) and manifest.json (the SHA-256 of each). Pure: the
// same pack gives the same bytes.

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'authgraph.evidence-pack-manifest/1';
export const PACK_FILE_NAMES = ['pack.json', 'report.html', MANIFEST_FILE] as const;

export interface PackFile {
  name: string;
  bytes: Buffer;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  algorithm: 'sha256';
  files: ManifestEntry[];
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Canonical JSON, indented for a reader: keys sorted at every level, undefined dropped. */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}

export function packFiles(pack: EvidencePack): PackFile[] {
  assertNoSecrets(pack);
  const json = Buffer.from(prettyCanonicalJson(pack));
  const report = Buffer.from(renderReport(pack, { packSha256: sha256(json) }));
  const content: PackFile[] = [
    { name: 'pack.json', bytes: json },
    { name: 'report.html', bytes: report },
  ];
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    algorithm: 'sha256',
    files: content.map((f) => ({ path: f.name, sha256: sha256(f.bytes), bytes: f.bytes.length })),
  };
  return [...content, { name: MANIFEST_FILE, bytes: Buffer.from(prettyCanonicalJson(manifest)) }];
}

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { z } from 'zod';
import { EvidencePackError } from './errors.ts';
import { MANIFEST_FILE, MANIFEST_FORMAT, PACK_FILE_NAMES, sha256 } from './pack-files.ts';
import type { PackFile } from './pack-files.ts';

/**
 * Write a pack's files into `dir` (created when missing). A directory holding anything but an
 * earlier pack's files is refused: verify would report those files as extra. The manifest is
 * written last, so a pack interrupted mid-write fails verification.
 */
export async function writePackDir(dir: string, files: readonly PackFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const foreign = (await listFiles(dir)).filter((f) => !(PACK_FILE_NAMES as readonly string[]).includes(f));
  if (foreign.length) {
    throw new EvidencePackError('BAD_INPUT', `${dir} holds other files (${foreign.slice(0, 5).join(', ')}): write a pack into an empty directory`);
  }
  const ordered = [...files.filter((f) => f.name !== MANIFEST_FILE), ...files.filter((f) => f.name === MANIFEST_FILE)];
  for (const f of ordered) await writeFile(join(dir, f.name), f.bytes);
}

export type VerifyProblem =
  | { path: string; problem: 'modified'; expected: string; actual: string }
  | { path: string; problem: 'missing' | 'extra' }
  | { path: string; problem: 'manifest_invalid'; detail: string };

export interface VerifyResult {
  ok: boolean;
  /** Files listed in the manifest that matched. */
  intact: string[];
  problems: VerifyProblem[];
}

// Paths are plain relative names inside the pack: nothing may point outside it.
const SafePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'a relative path inside the pack');

const ManifestFile = z.object({
  format: z.literal(MANIFEST_FORMAT),
  algorithm: z.literal('sha256'),
  files: z.array(z.object({ path: SafePath, sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })),
});

/** Check every file of a pack directory against its manifest: modified, missing and extra files. */
export async function verifyPackDir(dir: string): Promise<VerifyResult> {
  let manifest: z.infer<typeof ManifestFile>;
  try {
    const parsed = ManifestFile.safeParse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return invalid(`${MANIFEST_FILE} is not a pack manifest: ${issues}`);
    }
    manifest = parsed.data;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return invalid(code === 'ENOENT' ? `no ${MANIFEST_FILE} in ${dir}` : `cannot read ${MANIFEST_FILE}: ${(error as Error).message}`);
  }
  const present = new Set(await listFiles(dir));
  const problems: VerifyProblem[] = [];
  const intact: string[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    if (!present.has(entry.path)) {
      problems.push({ path: entry.path, problem: 'missing' });
      continue;
    }
    const actual = sha256(await readFile(join(dir, ...entry.path.split('/'))));
    if (actual === entry.sha256) intact.push(entry.path);
    else problems.push({ path: entry.path, problem: 'modified', expected: entry.sha256, actual });
  }
  for (const path of [...present].sort()) {
    if (path !== MANIFEST_FILE && !listed.has(path)) problems.push({ path, problem: 'extra' });
  }
  return { ok: problems.length === 0, intact, problems };
}

function invalid(detail: string): VerifyResult {
  return { ok: false, intact: [], problems: [{ path: MANIFEST_FILE, problem: 'manifest_invalid', detail }] };
}

/** Every file under `dir` (recursively) as a posix path relative to it; [] when `dir` is absent. */
async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join(posix.sep))
    .sort();
}

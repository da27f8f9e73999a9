import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Test files and databases go in directories removed when the test file ends: databases of the
// larger tests are hundreds of MB, and a test run on a developer's machine must not fill its disk.
// Imported by a test file (vitest loads modules afresh per file), this registers one file-level
// afterAll; removing a database another handle still has open is fine on POSIX.
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new directory under the system's temporary folder, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

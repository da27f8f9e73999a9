import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorageAdapter } from '../../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { defineApiSuite } from './api-suite.ts';

// The API over the embedded default store, in a file of its own.
defineApiSuite('sqlite', { setup: async () => SqliteStorageAdapter.open({ filePath: join(mkdtempSync(join(tmpdir(), 'authgraph-api-')), 'authgraph.db') }) });

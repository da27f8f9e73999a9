import { join } from 'node:path';
import { SqliteStorageAdapter } from '../../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { defineApiSuite } from './api-suite.ts';
import { tempDir } from '../../support/temp-dir.ts';

// The API over the embedded default store, in a file of its own.
defineApiSuite('sqlite', { setup: async () => SqliteStorageAdapter.open({ filePath: join(tempDir('authgraph-api-'), 'authgraph.db') }) });

import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { defineApiSuite } from './api-suite.ts';

defineApiSuite('memory', { setup: async () => MemoryStorageAdapter.create() });

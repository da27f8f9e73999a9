import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStorageAdapter } from '../../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { codesOf, instrument, postGraphQL, startTestApi } from './support.ts';
import type { InstrumentedStorage, TestApi } from './support.ts';

// A request that ends early must not keep its API key's heavy-query slots (heavy-work.ts): when a
// non-null field fails, graphql-js answers at once (data: null) while the sibling fields are still
// running. Their slots are the caller's only while the caller waits for them.

describe('heavy-query slots when a request ends early (real server, SQLite store)', () => {
  let store: SqliteStorageAdapter;
  let instrumented: InstrumentedStorage;
  let api: TestApi;
  beforeAll(async () => {
    store = SqliteStorageAdapter.open({ filePath: join(mkdtempSync(join(tmpdir(), 'authgraph-heavy-')), 'authgraph.db') });
    instrumented = instrument(store);
    api = await startTestApi(instrumented.storage, { maxConcurrentHeavyPerKey: 1 });
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  it("frees the key's slot held by a sibling field of a request refused on a non-null field", async () => {
    const key = api.key('tenant-heavy-slots', 'operator');
    // The sibling's chain search is still in the store when the request's answer goes out.
    const release = instrumented.holdNext('queryPaths');
    try {
      const first = await postGraphQL(api.server.graphqlUrl, '{ node(id: "no-such-node") { id } executionChains { totalCount } }', {}, key);
      expect(codesOf(first)).toEqual(['NOT_FOUND']);
      expect(first.body.data).toBeNull();
      expect(instrumented.calls.get('queryPaths')).toBeGreaterThanOrEqual(1);

      // Another question (a first request's chain search is shared with identical ones).
      const next = await postGraphQL(api.server.graphqlUrl, '{ executionChains(maxDepth: 7) { totalCount } }', {}, key);
      expect(codesOf(next)).toEqual([]);
      expect(next.body.data?.executionChains.totalCount).toBe(0);
    } finally {
      release();
    }
  });

  it("counts the posture under the key's cap (the count is the field's own work, not its children's)", async () => {
    const key = api.key('tenant-heavy-posture', 'operator');
    const release = instrumented.holdNext('postureCounts');
    const called = instrumented.calls.get('postureCounts') ?? 0;
    const counting = postGraphQL(api.server.graphqlUrl, '{ posture { identitiesByOwnership { state count } } }', {}, key);
    try {
      await expect.poll(() => instrumented.calls.get('postureCounts') ?? 0).toBe(called + 1);
      const refused = await postGraphQL(api.server.graphqlUrl, '{ executionChains(maxDepth: 6) { totalCount } }', {}, key);
      expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    } finally {
      release();
    }
    const answered = await counting;
    expect(codesOf(answered)).toEqual([]);
    expect(answered.body.data?.posture.identitiesByOwnership).toHaveLength(4);
    // The timeline alone needs no count, and takes no slot while it is read.
    expect(codesOf(await postGraphQL(api.server.graphqlUrl, '{ posture { timeline { syncId } } }', {}, key))).toEqual([]);
  });
});

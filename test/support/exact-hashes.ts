import type { PreviousState, StoredHashes } from '../../src/storage/StorageAdapter.ts';

/** A store's previous state as ids and hashes, whichever form the store gave it in (tests compare these). */
export async function exactHashes(state: PreviousState): Promise<StoredHashes> {
  return 'nodeHashes' in state ? state : state.hashes();
}

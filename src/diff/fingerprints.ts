import { CHANGED, SAME } from './hashed-previous.ts';

// classifyCurrent's answer from stored fingerprints (model/fingerprint.ts) instead of stored
// (id, hash) maps: a store hands over one number per live row, and only the rows whose
// fingerprint no current row matches are read back with their ids and hashes — the changed and
// the gone, ~1% of a tenant in a routine sync.
//
//   const match = matchFingerprints(stored, currentFingerprints);  // pure, one pass each side
//   const rows = await readRowsWith(match.unmatchedStored);          // the caller's I/O: id → hash
//   const classified = settleFingerprints(match, ids, rows, isSame); // or undefined: ask the maps
//
// Equal fingerprints are taken for an unchanged row. Where that would be wrong it mostly shows,
// and the caller then classifies from the exact (id, hash) maps instead:
//   - two stored rows, or two current rows, share a fingerprint;
//   - a row read back for an unmatched fingerprint has the id of a current row that matched (that
//     row's content changed, yet it matched some other stored row's fingerprint);
//   - the rows read back are not one per unmatched fingerprint (a collision among them, or a row
//     written since the fingerprints were read).
// What cannot show: a NEW current row whose fingerprint equals that of a stored row that is gone.
// The new row is then taken as stored and unchanged and the gone row as still there. With 63-bit
// fingerprints the odds are new × gone / 2^63 a sync: ~2·10^-11 for the 1%-change sync of the
// 1M-node tenant (8k new, 20k gone), ~2·10^-6 over 100 years of hourly syncs of it. The content
// hashes themselves are 128-bit (json-hash128.ts); this is the weaker link, and accepted for it.

export interface FingerprintMatch {
  /** Per current row: SAME when its fingerprint is stored, else NEW (CHANGED is settled later). */
  status: Uint8Array;
  /** Stored fingerprints no current row has: rows changed or gone, to read back. */
  unmatchedStored: number[];
}

/**
 * Match the current rows' fingerprints (same order as the rows) against the stored ones;
 * undefined when a fingerprint is shared (two stored rows, or two current rows, with one).
 *
 * Both sides sorted, then merged: a store reads its fingerprints in index order, so the stored
 * side usually comes sorted and only the current side is sorted here (typed-array sort, ~0.3 s
 * for 3M). A hash table of the stored side took ~2 s at 4M rows: a cache miss per row to build
 * and another to probe.
 */
export function matchFingerprints(stored: Float64Array, current: Float64Array): FingerprintMatch | undefined {
  const status = new Uint8Array(current.length);
  if (stored.length === 0) return { status, unmatchedStored: [] };
  const s = isAscending(stored) ? stored : stored.slice().sort();
  const c = current.slice().sort();
  for (let k = 1; k < s.length; k++) if (s[k] === s[k - 1]) return undefined;
  for (let k = 1; k < c.length; k++) if (c[k] === c[k - 1]) return undefined;
  const unmatchedStored: number[] = [];
  const unmatchedCurrent: number[] = [];
  let i = 0;
  let j = 0;
  while (i < s.length && j < c.length) {
    const a = s[i]!;
    const b = c[j]!;
    if (a === b) {
      i++;
      j++;
    } else if (a < b) {
      unmatchedStored.push(a);
      i++;
    } else {
      unmatchedCurrent.push(b);
      j++;
    }
  }
  while (i < s.length) unmatchedStored.push(s[i++]!);
  while (j < c.length) unmatchedCurrent.push(c[j++]!);
  if (unmatchedCurrent.length === 0) status.fill(SAME);
  else {
    const unmatched = numberSet(unmatchedCurrent);
    for (let k = 0; k < current.length; k++) if (!unmatched.has(current[k]!)) status[k] = SAME;
  }
  return { status, unmatchedStored };
}

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);

/**
 * A set of a few fingerprints, asked of every current row: open addressing over a Float64Array
 * (fingerprints are never 0). A Set<number> boxed each double it was asked about, 4M short-lived
 * heap numbers per sync beside a 2 GB graph.
 */
function numberSet(values: readonly number[]): { has(value: number): boolean } {
  let capacity = 16;
  while (capacity < values.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const slotOf = (value: number): number => {
    word[0] = value;
    // The bits are hash output already: folding the halves spreads them well enough.
    let slot = (halves[0]! ^ Math.imul(halves[1]!, 0x9e3779b1)) & mask;
    while (keys[slot] !== 0 && keys[slot] !== value) slot = (slot + 1) & mask;
    return slot;
  };
  for (const value of values) keys[slotOf(value)] = value;
  return { has: (value) => keys[slotOf(value)] === value };
}

function isAscending(values: Float64Array): boolean {
  for (let k = 1; k < values.length; k++) if (values[k]! < values[k - 1]!) return false;
  return true;
}

/**
 * The classification of one kind of row once the unmatched stored rows are read back
 * (`rows`: id → content hash, one per unmatched fingerprint): a current row not matched is
 * CHANGED when its id is among them, else NEW; every row read back is stale. `isSame(i, hash)`:
 * current row i has content hash `hash`. Undefined when the fingerprints cannot be trusted (see
 * the file's head): the caller classifies from the maps.
 */
export function settleFingerprints(
  match: FingerprintMatch,
  ids: readonly string[],
  rows: ReadonlyMap<string, string>,
  isSame: (i: number, hash: string) => boolean,
): { status: Uint8Array; stale: string[] } | undefined {
  if (rows.size !== match.unmatchedStored.length) return undefined;
  const status = match.status;
  if (rows.size > 0) {
    for (let i = 0; i < ids.length; i++) {
      const hash = rows.get(ids[i]!);
      if (hash === undefined) continue;
      // Matched some stored fingerprint, yet its own stored row is unmatched; or unmatched with
      // the content it is stored with: either way two fingerprints collided.
      if (status[i] === SAME || isSame(i, hash)) return undefined;
      status[i] = CHANGED;
    }
  }
  // The rest stay NEW (0); the rows read back are the stale ids.
  return { status, stale: [...rows.keys()] };
}

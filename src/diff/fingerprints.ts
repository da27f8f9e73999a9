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
 * Match the current rows' fingerprints (same order as the rows) against the stored ones (in
 * ascending order, as a store reads them from its index); undefined when a fingerprint is shared
 * (two stored rows, or two current rows, with one).
 *
 * Neither side is sorted. Fingerprints are uniform, so cutting their range into a bucket per
 * ROWS_PER_BUCKET current rows leaves a few rows in each. The stored rows, already in order, fall
 * into consecutive runs of buckets; the current rows are counted and placed into theirs (a
 * counting sort by bucket, each carrying its row's position and fingerprint), and each is then
 * looked for among the few stored rows of its bucket. For 3M rows (one process, quiet): ~0.23 s,
 * against ~0.65 s for sorting the current side (Float64Array sort), merging, and probing a set of
 * the unmatched for each row's status. In the 1M-node tenant's 1%-change sync, whose garbage
 * collector is busy with its 2 GB graph meanwhile: ~1.5 s against ~2.0 s for its 4M rows. A hash
 * table of the stored side took ~2 s: a cache miss per row to build and another to probe.
 */
export function matchFingerprints(given: Float64Array, current: Float64Array): FingerprintMatch | undefined {
  const status = new Uint8Array(current.length);
  if (given.length === 0) return { status, unmatchedStored: [] };
  const stored = isAscending(given) ? given : given.slice().sort();
  for (let k = 1; k < stored.length; k++) if (stored[k - 1] === stored[k]) return undefined; // two stored rows share it
  const buckets = Math.max(1, Math.ceil(current.length / ROWS_PER_BUCKET));
  const storedStart = bucketStarts(stored, buckets).starts;
  // Current rows by bucket: counted, then placed, each with its position among the rows.
  const { starts: currentStart, bucketOf } = bucketStarts(current, buckets);
  const next = currentStart.slice(0, buckets);
  const placed = new Uint32Array(current.length);
  const placedFp = new Float64Array(current.length);
  for (let i = 0; i < current.length; i++) {
    const at = next[bucketOf[i]!]!++;
    placed[at] = i;
    placedFp[at] = current[i]!;
  }
  const matched = new Uint8Array(stored.length);
  for (let b = 0; b < buckets; b++) {
    const from = currentStart[b]!;
    const to = currentStart[b + 1]!;
    // A bucket this full is not chance (fingerprints are uniform): leave it to the exact maps.
    if (to - from > MAX_BUCKET) return undefined;
    const storedFrom = storedStart[b]!;
    const storedTo = storedStart[b + 1]!;
    for (let j = from; j < to; j++) {
      const fp = placedFp[j]!;
      for (let k = from; k < j; k++) if (placedFp[k] === fp) return undefined; // two current rows share it
      for (let k = storedFrom; k < storedTo; k++) {
        if (stored[k] !== fp) continue;
        matched[k] = 1;
        status[placed[j]!] = SAME;
        break;
      }
    }
  }
  const unmatchedStored: number[] = [];
  for (let k = 0; k < stored.length; k++) if (matched[k] === 0) unmatchedStored.push(stored[k]!);
  return { status, unmatchedStored };
}

function isAscending(values: Float64Array): boolean {
  for (let k = 1; k < values.length; k++) if (values[k]! < values[k - 1]!) return false;
  return true;
}

/** Current rows per bucket on average: 4–8 measured best (fewer buckets, fewer cache misses counting and placing). */
const ROWS_PER_BUCKET = 6;
/** Current rows one bucket may hold before the match gives up (expected: about ROWS_PER_BUCKET). */
const MAX_BUCKET = 256;

// Which half of a float64 holds its sign and exponent: 1 on little-endian machines.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
// The high words of fingerprints, as keys that sort as the numbers do (negatives' bits flipped,
// positives' sign bit flipped), span [KEY_LOW, KEY_LOW + KEY_RANGE): model/fingerprint.ts keeps
// the exponent field within 1..1024. A key outside (not a fingerprint) goes to the first or last
// bucket: still in order, so still matched correctly.
const KEY_LOW = 0x3ff00000;
const KEY_RANGE = 0xc0100000 - KEY_LOW;

/** Each fingerprint's bucket, by its high word's key: non-decreasing as the numbers increase. */
function bucketsOf(values: Float64Array, buckets: number): Uint32Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Uint32Array(values.length);
  const scale = buckets / KEY_RANGE;
  for (let i = 0; i < values.length; i++) {
    const high = words[2 * i + HIGH]!;
    const key = high >= 0x80000000 ? ~high >>> 0 : (high | 0x80000000) >>> 0;
    const b = Math.floor((key - KEY_LOW) * scale);
    out[i] = b < 0 ? 0 : b >= buckets ? buckets - 1 : b;
  }
  return out;
}

/**
 * Each value's bucket, and where each bucket's run starts once the values are in bucket order
 * (its end at [buckets]): for sorted values, the runs as they already lie.
 */
function bucketStarts(values: Float64Array, buckets: number): { starts: Uint32Array; bucketOf: Uint32Array } {
  const starts = new Uint32Array(buckets + 1);
  const bucketOf = bucketsOf(values, buckets);
  for (let k = 0; k < values.length; k++) starts[bucketOf[k]! + 1]!++;
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  return { starts, bucketOf };
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

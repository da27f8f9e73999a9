import { idTable } from './id-table.ts';

// "Which stored ids has the extraction no longer got?" — asked of every stored id (4M on the
// 1M-node tenant) though only a few have gone. An exact table of the extraction's ids (idTable)
// answers by comparing each stored id with the extraction's string at the slot it lands on: two
// more cache misses per stored id, a third of a 1M-node diff's profile with the table's build.
// Here a first pass keeps only hashes of the present ids: two independent 32-bit lanes of each,
// one choosing where it sits in the table and the other stored there. A stored id whose hash is
// not found is certainly gone; one whose is could, rarely, be a gone id that met a present id
// with the same stored lane on its probe path. The caller knows how many are gone (stored ids
// minus the matched ones), so when the first pass finds that many it has found exactly them;
// otherwise the exact table answers (seconds at 4M ids). The odds of that are about gone × probe
// length / 2^32 a sync (~10^-5 for 18k gone of 3M edges). With one lane both choosing the slot and
// stored they were gone × present / 2^32: ~13 shared hashes expected there, so the fallback ran
// on every 1%-change sync of the 1M tenant — 5 of bench:diff's 11 s (profiled 2026-11-30). One
// table, not one per lane: a second 32 MB buffer at 3M ids set off a full garbage collection of
// the whole graph (V8 collects when outside-heap buffers grow fast), 2 s at 1M nodes.

/** The capacity of the table: a power of two, at least twice `length` (probes stay short). */
function capacityFor(length: number): number {
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  return capacity;
}

/** Lane b of the id last given to slotOf (never 0: 0 marks an empty slot). */
let laneB = 1;

/**
 * Where `id` sits in `table`, or the empty slot where it would go: lane a picks the first slot,
 * lane b (left in laneB) is what a slot holds. One function for filling and for asking, so the
 * two can never hash differently; it returns one number and leaves the other in a variable, not
 * an object per id (millions of calls).
 */
function slotOf(table: Int32Array, mask: number, id: string): number {
  // Two FNV-1a-style lanes over the UTF-16 code units, with different multipliers and offsets:
  // independent dependency chains, so the second lane costs little beside the first.
  let ha = 0x811c9dc5 | 0;
  let hb = 0x2c9277b5;
  for (let j = 0; j < id.length; j++) {
    const c = id.charCodeAt(j);
    ha = Math.imul(ha ^ c, 0x01000193);
    hb = Math.imul(hb ^ c, 0x5bd1e995);
  }
  laneB = hb ^ (hb >>> 13) || 1;
  let slot = (ha ^ (ha >>> 15)) & mask;
  for (;;) {
    const at = table[slot]!;
    if (at === 0 || at === laneB) return slot;
    slot = (slot + 1) & mask;
  }
}

/**
 * The keys of `stored` that are not among the ids `presentAt(i)` (i < length; undefined: no id),
 * given that exactly `gone` of them are not.
 */
export function vanishedIds(stored: ReadonlyMap<string, string>, gone: number, length: number, presentAt: (i: number) => string | undefined): string[] {
  const mask = capacityFor(length) - 1;
  const table = new Int32Array(mask + 1);
  for (let i = 0; i < length; i++) {
    const id = presentAt(i);
    if (id !== undefined) table[slotOf(table, mask, id)] = laneB;
  }
  const out: string[] = [];
  // forEach, not for…of over keys(): the iterator made a result object per key (13 MB of garbage
  // per 1.2M keys in a sampled allocation profile).
  stored.forEach((_hash, id) => {
    if (table[slotOf(table, mask, id)] === 0) out.push(id);
  });
  if (out.length === gone) return out;
  const present = idTable(length, presentAt);
  return [...stored.keys()].filter((id) => !present.has(id));
}

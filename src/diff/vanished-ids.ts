import { idTable } from './id-table.ts';

// "Which stored ids has the extraction no longer got?" — asked of every stored id (4M on the
// 1M-node tenant) though only a few have gone. An exact table of the extraction's ids (idTable)
// answers by comparing each stored id with the extraction's string at the slot it lands on: two
// more cache misses per stored id, a third of a 1M-node diff's profile with the table's build.
// Here a first pass keeps only 32-bit hashes of the present ids. A stored id whose hash is not
// among them is certainly gone; one whose hash is could, rarely, be a gone id that shares a
// present id's hash. The caller knows how many are gone (stored ids minus the matched ones), so
// when the first pass finds that many it has found exactly them; otherwise (odds about
// gone × 1.5 / 2^32 a sync) the exact table answers.

/** FNV-1a over UTF-16 code units, never 0 (0 marks an empty slot). */
function idHash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15) || 1;
}

/**
 * The keys of `stored` that are not among the ids `presentAt(i)` (i < length; undefined: no id),
 * given that exactly `gone` of them are not.
 */
export function vanishedIds(stored: ReadonlyMap<string, string>, gone: number, length: number, presentAt: (i: number) => string | undefined): string[] {
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  const mask = capacity - 1;
  const hashes = new Int32Array(capacity);
  for (let i = 0; i < length; i++) {
    const id = presentAt(i);
    if (id === undefined) continue;
    const h = idHash(id);
    let slot = h & mask;
    while (hashes[slot] !== 0 && hashes[slot] !== h) slot = (slot + 1) & mask;
    hashes[slot] = h;
  }
  const out: string[] = [];
  // forEach, not for…of over keys(): the iterator made a result object per key (13 MB of garbage
  // per 1.2M keys in a sampled allocation profile).
  stored.forEach((_hash, id) => {
    const h = idHash(id);
    let slot = h & mask;
    while (hashes[slot] !== 0 && hashes[slot] !== h) slot = (slot + 1) & mask;
    if (hashes[slot] === 0) out.push(id);
  });
  if (out.length === gone) return out;
  const present = idTable(length, presentAt);
  return [...stored.keys()].filter((id) => !present.has(id));
}

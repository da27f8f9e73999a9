// A read-only set of ids over an array the caller already holds, for the diff's one question
// "which stored ids has the extraction no longer got?" on millions of ids. A Set<string> of every
// current id was the slowest step of a 1M-node diff (bench/diff.bench.ts profile: its growth and
// the garbage it leaves behind cost more than hashing the extraction): this table is one
// Int32Array of positions into `ids`, open addressing, and allocates nothing per id. Membership is
// exact (a probe compares the strings); the string hash only spreads the ids over the table.

/** FNV-1a over UTF-16 code units: cheap, and ids differing anywhere land apart. */
function stringHash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

export interface IdTable {
  has(id: string): boolean;
}

/** A table of `ids[i]` for every i where `include(i)` holds (all of them when omitted). */
export function idTable(ids: (i: number) => string, length: number, include?: (i: number) => boolean): IdTable {
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  const mask = capacity - 1;
  // Slot value: position + 1; 0 is empty.
  const slots = new Int32Array(capacity);
  for (let i = 0; i < length; i++) {
    if (include && !include(i)) continue;
    let slot = stringHash(ids(i)) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = i + 1;
  }
  return {
    has(id: string): boolean {
      for (let slot = stringHash(id) & mask, at = slots[slot]!; at !== 0; slot = (slot + 1) & mask, at = slots[slot]!) {
        if (ids(at - 1) === id) return true;
      }
      return false;
    },
  };
}

// A read-only index of ids over an array the caller already holds, for the diff's questions on
// millions of ids: "which stored ids has the extraction no longer got?" and "where is this id?".
// A Set<string> of every current id was the slowest step of a 1M-node diff (bench/diff.bench.ts
// profile: its growth and the garbage it leaves behind cost more than hashing the extraction):
// this table is one Int32Array of positions, open addressing, and allocates nothing per id.
// Membership is exact (a probe compares the strings); the string hash only spreads the ids over
// the table.

/** FNV-1a over UTF-16 code units: cheap, and ids differing anywhere land apart. */
export function stringHash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

export interface IdTable {
  has(id: string): boolean;
  /** The first position holding `id`, or -1. */
  indexOf(id: string): number;
}

/**
 * A table of the positions 0..length-1 by `idAt(i)`; a position whose id is undefined is left
 * out. `idAt` must answer the same for a position every time it is asked (the table keeps only
 * positions and asks again on each probe).
 */
export function idTable(length: number, idAt: (i: number) => string | undefined): IdTable {
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  const mask = capacity - 1;
  // Slot value: position + 1; 0 is empty.
  const slots = new Int32Array(capacity);
  for (let i = 0; i < length; i++) {
    const id = idAt(i);
    if (id === undefined) continue;
    let slot = stringHash(id) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = i + 1;
  }
  const indexOf = (id: string): number => {
    // Probes run in insertion order for one id, so the first position holding it is found first.
    for (let slot = stringHash(id) & mask, at = slots[slot]!; at !== 0; slot = (slot + 1) & mask, at = slots[slot]!) {
      if (idAt(at - 1) === id) return at - 1;
    }
    return -1;
  };
  return { has: (id) => indexOf(id) >= 0, indexOf };
}

/**
 * Rows counted by type into two tallies (all rows, and the unchanged ones), in arrays indexed by
 * the order each type is first seen: a few types, millions of rows.
 */
export function typeTally<K>() {
  const index = new Map<K, number>();
  const keys: K[] = [];
  const all: number[] = [];
  const same: number[] = [];
  let lastKey: K | undefined;
  let last = -1;
  return {
    add(key: K, unchanged: boolean) {
      // Rows come grouped by type more often than not: the last type is checked first.
      if (key !== lastKey || last < 0) {
        let at = index.get(key);
        if (at === undefined) {
          index.set(key, (at = keys.length));
          keys.push(key);
          all.push(0);
          same.push(0);
        }
        lastKey = key;
        last = at;
      }
      all[last]!++;
      if (unchanged) same[last]!++;
    },
    /** Rows per key. */
    totals(): Map<K, number> {
      return new Map(keys.map((key, i) => [key, all[i]!]));
    },
    /** Add the totals to `allCounts` and the unchanged rows to `sameCounts`. */
    into(allCounts: Map<K, number>, sameCounts: Map<K, number>) {
      keys.forEach((key, i) => {
        allCounts.set(key, (allCounts.get(key) ?? 0) + all[i]!);
        if (same[i]) sameCounts.set(key, (sameCounts.get(key) ?? 0) + same[i]!);
      });
    },
  };
}

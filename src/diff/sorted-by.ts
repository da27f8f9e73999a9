import { idTable } from './id-table.ts';

// The diff emits its events by id within each phase, and a first sync has millions of them (1M
// created nodes, 3M added edges on the synthetic tenant). Sorting those objects with a comparator
// calls back into JS ~20 times per item (2–4 s per million on this machine); Array.prototype.sort
// without a comparator compares strings natively in the same order (UTF-16 code units, as `<`).
// So the ids are sorted on their own and each item is found again by id in a table of positions.

/** Below this many items a comparator sort is as cheap as building the table. */
const NATIVE_FROM = 2048;

/**
 * `items` ordered by `key` (UTF-16 code unit order, as `<`); ties keep their order. Returns
 * `items` itself when it is already in order, else a new array; never reorders `items` in place.
 */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): readonly T[] {
  const length = items.length;
  if (length < 2) return items;
  const keys = new Array<string>(length);
  let ordered = true;
  for (let i = 0; i < length; i++) {
    keys[i] = key(items[i]!);
    if (i > 0 && keys[i - 1]! > keys[i]!) ordered = false;
  }
  if (ordered) return items;
  if (length >= NATIVE_FROM) {
    const order = keys.slice().sort();
    let unique = true;
    for (let i = 1; i < length && unique; i++) unique = order[i - 1] !== order[i];
    // Each key names one item: find it by key. (Repeated keys fall through to the comparator,
    // whose sort is stable.)
    if (unique) {
      const table = idTable(length, (i) => keys[i]);
      const out = new Array<T>(length);
      for (let i = 0; i < length; i++) out[i] = items[table.indexOf(order[i]!)]!;
      return out;
    }
  }
  const positions = Array.from({ length }, (_, i) => i);
  positions.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  return positions.map((i) => items[i]!);
}

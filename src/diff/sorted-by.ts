// The diff emits its events by id within each phase, and a first sync has millions of them (1M
// created nodes, 3M added edges on the synthetic tenant). A comparison sort of that many ids —
// with a comparator, or Array.prototype.sort's own string order, both measured ~1.7 µs an id on
// this machine (~20 string comparisons each, every one a cache miss on two strings) — was seconds
// of a first sync. This is an MSD radix sort instead: each pass reads four (or, beyond Latin-1, two)
// UTF-16 code units of each id in a range once, packs them with the id's position into a 64-bit integer, and lets the
// typed array's native numeric sort order them; ranges whose ids share those units are sorted
// again further in. Code units shared by a whole range are skipped in one pass first (node ids
// share long prefixes such as "custom:<scope>:").

/** Ranges this small are sorted by comparing the ids. */
const SMALL = 48;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the low / high 32-bit half of a 64-bit element in a Uint32Array view. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/**
 * `items` ordered by `key` (UTF-16 code unit order, as `<`); equal keys keep their order. Returns
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
  const order = sortedPositions(keys);
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) out[i] = items[order[i]!]!;
  return out;
}

/** Positions 0..n-1 of `keys` in the keys' code unit order, equal keys by position. */
export function sortedPositions(keys: readonly string[]): Int32Array {
  const n = keys.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n <= SMALL) {
    compareSort(order, 0, n, keys);
    return order;
  }
  // One 64-bit element per position: the next code units from `depth` on, each + 1 (0: the id
  // ended), then the position within the range (so the numeric sort keeps equal ids in position
  // order). Narrow: four units of 9 bits (all below 256, as ids mostly are) and 28 position bits;
  // wide: two units of 17 bits and 30 position bits.
  const wide = new BigUint64Array(n);
  const words = new Uint32Array(wide.buffer);
  const moved = new Int32Array(n);
  const ranges: number[] = [0, n, 0];
  while (ranges.length) {
    let depth = ranges.pop()!;
    const end = ranges.pop()!;
    const start = ranges.pop()!;
    if (end - start <= SMALL) {
      compareSort(order, start, end, keys);
      continue;
    }
    depth += sharedPrefix(order, start, end, depth, keys);
    const narrow = fillNarrow(order, start, end, depth, keys, words);
    if (!narrow) fillWide(order, start, end, depth, keys, words);
    const tagShift = narrow ? 28 : 30;
    const positionMask = narrow ? 0x0fffffff : 0x3fffffff;
    wide.subarray(start, end).sort();
    for (let i = start; i < end; i++) moved[i] = order[start + (words[2 * i + LO]! & positionMask)]!;
    order.set(moved.subarray(start, end), start);
    // Runs of equal units are ordered among themselves by what follows.
    let run = start;
    for (let i = start + 1; i <= end; i++) {
      if (i < end && words[2 * i + HI] === words[2 * run + HI] && words[2 * i + LO]! >>> tagShift === words[2 * run + LO]! >>> tagShift) continue;
      const hi = words[2 * run + HI]!;
      const lo = words[2 * run + LO]!;
      // The run's last unit: 0 when its ids ended within these units, so they are equal ids,
      // already in position order.
      const last = narrow ? ((hi & 15) << 4) | (lo >>> 28) : ((hi & 0x7fff) << 2) | (lo >>> 30);
      if (i - run > 1 && last !== 0) ranges.push(run, i, depth + (narrow ? 4 : 2));
      run = i;
    }
  }
  return order;
}

const unit = (k: string, at: number): number => (at < k.length ? k.charCodeAt(at) + 1 : 0);

/** Four 9-bit units a position; false (and nothing to use) when a unit in the range is 256 or more. */
function fillNarrow(order: Int32Array, start: number, end: number, depth: number, keys: readonly string[], words: Uint32Array): boolean {
  for (let i = start; i < end; i++) {
    const k = keys[order[i]!]!;
    const u0 = unit(k, depth);
    const u1 = unit(k, depth + 1);
    const u2 = unit(k, depth + 2);
    const u3 = unit(k, depth + 3);
    if ((u0 | u1 | u2 | u3) > 256) return false;
    words[2 * i + HI] = (u0 << 23) | (u1 << 14) | (u2 << 5) | (u3 >>> 4);
    words[2 * i + LO] = ((u3 & 15) << 28) | (i - start);
  }
  return true;
}

/** Two 17-bit units a position. */
function fillWide(order: Int32Array, start: number, end: number, depth: number, keys: readonly string[], words: Uint32Array): void {
  for (let i = start; i < end; i++) {
    const k = keys[order[i]!]!;
    const c0 = unit(k, depth);
    const c1 = unit(k, depth + 1);
    words[2 * i + HI] = (c0 << 15) | (c1 >>> 2);
    words[2 * i + LO] = ((c1 & 3) << 30) | (i - start);
  }
}

/** How many code units from `depth` on every key of the range shares (one pass over the keys). */
function sharedPrefix(order: Int32Array, start: number, end: number, depth: number, keys: readonly string[]): number {
  const first = keys[order[start]!]!;
  let limit = first.length;
  for (let i = start + 1; i < end && limit > depth; i++) {
    const k = keys[order[i]!]!;
    const stop = Math.min(limit, k.length);
    let j = depth;
    while (j < stop && k.charCodeAt(j) === first.charCodeAt(j)) j++;
    limit = j;
  }
  return Math.max(0, limit - depth);
}

function compareSort(order: Int32Array, start: number, end: number, keys: readonly string[]): void {
  const part = Array.from(order.subarray(start, end));
  part.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  order.set(part, start);
}

// A 128-bit content hash of JSON values, computed by walking the value: no JSON string is built
// and no native call is made per row. Profile of the 1M-node / 3M-edge diff (bench:diff) before
// this: 14.4 s of 15.9 s went to JSON.stringify / string concatenation of each row (~60%) and a
// sha1 digest of that string (~40%: the call into OpenSSL, UTF-8 copy and base64 per short string).
//
// The mixing is MurmurHash3_x86_128's (block and finalisation functions unchanged) over a stream of
// 32-bit words that encodes the value injectively:
//   - a string: one word (length << 3 | 1), then its UTF-16 code units two to a word, the last
//     block padded with zero words (the length says where the content ends);
//   - a number: integers in int32 range as (2, n), other finite numbers as (3, low, high) of their
//     float64 bits, NaN and ±Infinity as null (what JSON.stringify writes); -0 hashes as 0 (JSON too);
//   - true / false / null: one tag each; undefined in an array is null, undefined in an object is
//     left out (both as JSON.stringify);
//   - an array: (length << 3 | 7), then each element; an object: a begin tag, key and value in
//     the object's own key order, an end tag.
// Each item is self-delimiting (tag or length first), so two values hash the same only if they
// serialise to the same JSON text (same key order), or by a collision of the 128-bit function.
// The walk writes the words into one reused Int32Array and the mixing runs over it in one loop of
// local variables: per-word method calls on a hasher object profiled 2–3× slower (V8 kept its
// state in memory), and reading a string past its end sends charCodeAt down a slow path. Lengths above 2^29 code units would wrap the length word;
// no row comes near (validation caps strings far below).
//
// Collision odds: MurmurHash3's 128-bit output is treated as uniform for non-adversarial input
// (it passes SMHasher's distribution and avalanche tests). A changed row keeps its old hash with
// probability ~2^-128; taking a conservative 2^-64 (the lanes are not fully independent), a tenant
// of 10^6 rows synced every hour for 100 years (~10^12 comparisons) misses one change with
// probability ~10^12 / 1.8·10^19 ≈ 5·10^-8. It is NOT a cryptographic hash: someone who controls
// a field of a row and knows the row's other content can construct a change that keeps the hash
// (Murmur's block function can be inverted). That would hide the change from the diff until the
// row next changes otherwise. The stores accept this trade (DESIGN decision 3) for a 3× cheaper
// sync of large tenants; a store secret mixed into the seed would close it if it ever matters.
//
// Format 2 (seed "ag02", 2026-11-30): what a row's hash covers changed (hash.ts: ids left out),
// so the seed changed with it and no format-1 hash equals a format-2 one but by chance. The diff
// asks "is this row's hash the stored one" (…Is) by comparing digits as they are made: no string
// per row. With both, hashing bench:diff's 4M extracted rows went from ~5.2 s to ~0.8 s of profile.

const C1 = 0x239b961b;
const C2 = 0xab0e9789 | 0;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93 | 0;
/** Not plain Murmur's seed 0, so a hash here is never mistaken for another tool's. */
const SEED = 0x61673032; // "ag02" (format 2: ids left out, hash.ts; "ag01" hashed them)

const STRING = 1;
const INT = 2;
const FLOAT = 3;
const NULL = 4;
const TRUE = 5;
const FALSE = 6;
const ARRAY = 7;
const OBJECT = 8;
const END = 9;

const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);

// Base64url digits: 128 bits as 22 characters, made by one String.fromCharCode (a flat string;
// joining hex pieces made a rope that the Map keyed by it had to flatten again).
const DIGITS = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) => c.charCodeAt(0));

/** The words of the value being hashed (reused: hashing is synchronous and never re-entered). */
let words = new Int32Array(1024);
let count = 0;
/** The last mix's four 32-bit lanes. */
const H = new Int32Array(4);

function room(more: number): void {
  if (count + more <= words.length) return;
  let size = words.length * 2;
  while (size < count + more) size *= 2;
  const bigger = new Int32Array(size);
  bigger.set(words.subarray(0, count));
  words = bigger;
}

function word(w: number): void {
  if (count === words.length) room(1);
  words[count++] = w;
}

function string(s: string): void {
  const length = s.length;
  room((length >> 1) + 2);
  const w = words;
  let at = count;
  w[at++] = (length << 3) | STRING;
  let i = 0;
  for (; i + 1 < length; i += 2) w[at++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < length) w[at++] = s.charCodeAt(i);
  count = at;
}

function value(v: unknown): void {
  switch (typeof v) {
    case 'string':
      string(v);
      return;
    case 'number':
      if ((v | 0) === v) {
        word(INT);
        word(v);
      } else if (Number.isFinite(v)) {
        float[0] = v;
        word(FLOAT);
        word(floatWords[0]!);
        word(floatWords[1]!);
      } else word(NULL);
      return;
    case 'boolean':
      word(v ? TRUE : FALSE);
      return;
    case 'object':
      if (v === null) word(NULL);
      else if (Array.isArray(v)) {
        word((v.length << 3) | ARRAY);
        for (const item of v as unknown[]) value(item === undefined ? null : item);
      } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
        // Not JSON content (a Date that slipped past validation): hashed as JSON.stringify writes it.
        value(JSON.parse(JSON.stringify(v)) as unknown);
      } else object(v as Record<string, unknown>, undefined, undefined);
      return;
    default:
      // undefined, functions, symbols: not JSON content (JSON.stringify writes null or leaves them out).
      word(NULL);
  }
}

/** An object's keys in its own order (for…in: validated rows are plain objects), undefined values and `skip`, `skip2` left out. */
function object(o: Record<string, unknown>, skip: string | undefined, skip2: string | undefined): void {
  word(OBJECT);
  for (const key in o) {
    const item = o[key];
    if (item === undefined || key === skip || key === skip2) continue;
    string(key);
    value(item);
  }
  word(END);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** MurmurHash3_x86_128 of words[0..count) (little-endian bytes), into H[0..3]. */
function mix(): void {
  const w = words;
  const length = count;
  let h1 = SEED;
  let h2 = SEED;
  let h3 = SEED;
  let h4 = SEED;
  let k: number;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    k = Math.imul(w[i]!, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k = Math.imul(w[i + 1]!, C2);
    k = (k << 16) | (k >>> 16);
    h2 ^= Math.imul(k, C3);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k = Math.imul(w[i + 2]!, C3);
    k = (k << 17) | (k >>> 15);
    h3 ^= Math.imul(k, C4);
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k = Math.imul(w[i + 3]!, C4);
    k = (k << 18) | (k >>> 14);
    h4 ^= Math.imul(k, C1);
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // Tail: the last 1–3 words, as Murmur's tail (no rounds of mixing between lanes).
  const rest = length - i;
  if (rest > 2) {
    k = Math.imul(w[i + 2]!, C3);
    k = (k << 17) | (k >>> 15);
    h3 ^= Math.imul(k, C4);
  }
  if (rest > 1) {
    k = Math.imul(w[i + 1]!, C2);
    k = (k << 16) | (k >>> 16);
    h2 ^= Math.imul(k, C3);
  }
  if (rest > 0) {
    k = Math.imul(w[i]!, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
  }
  const bytes = length * 4;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  H[0] = h1;
  H[1] = h2;
  H[2] = h3;
  H[3] = h4;
}

/** The 128 bits in H as 22 base64url digits, six bits each from the low end of h1. */
function digit(i: number): number {
  const bit = i * 6;
  const lane = bit >>> 5;
  const shift = bit & 31;
  let v = H[lane]! >>> shift;
  if (shift > 26 && lane < 3) v |= H[lane + 1]! << (32 - shift);
  return DIGITS[v & 63]!;
}

function digest(): string {
  mix();
  return String.fromCharCode(
    digit(0),
    digit(1),
    digit(2),
    digit(3),
    digit(4),
    digit(5),
    digit(6),
    digit(7),
    digit(8),
    digit(9),
    digit(10),
    digit(11),
    digit(12),
    digit(13),
    digit(14),
    digit(15),
    digit(16),
    digit(17),
    digit(18),
    digit(19),
    digit(20),
    digit(21),
  );
}

/**
 * Whether the words hash to `expected` (a stored hash), without making the string: the diff asks
 * this of every extracted row, and a 22-character string per row was garbage for millions of rows.
 */
function digestIs(expected: string): boolean {
  if (expected.length !== HASH128_LENGTH) return false;
  mix();
  for (let i = 0; i < HASH128_LENGTH; i++) if (expected.charCodeAt(i) !== digit(i)) return false;
  return true;
}

/** Length of a hash128 string (22 base64url digits; the sha1 base64 hashes stored before have 28, ending in '='). */
export const HASH128_LENGTH = 22;

/** The 128-bit hash of a JSON value (see the file comment). */
export function hash128(v: unknown): string {
  count = 0;
  value(v);
  return digest();
}

/**
 * hash128 of an object without one or two of its top-level keys (a node without nodeId and
 * deletedAt), without copying it.
 */
export function hash128Without(o: object, skip: string, skip2?: string): string {
  count = 0;
  object(o as Record<string, unknown>, skip, skip2);
  return digest();
}

/**
 * The 128 bits of hash128Without(o, skip, skip2) as four 32-bit lanes, without making the string
 * (a row's fingerprint is made of them: fingerprint.ts). The array is reused by the next call.
 */
export function hash128WithoutLanes(o: object, skip: string, skip2?: string): Int32Array {
  count = 0;
  object(o as Record<string, unknown>, skip, skip2);
  mix();
  return H;
}

const DIGIT_VALUES = new Int8Array(128).fill(-1);
DIGITS.forEach((code, value) => (DIGIT_VALUES[code] = value));

/**
 * The lanes a hash128 string was made from (the inverse of digest), into `out`; false for a string
 * that is not one (another length, or a character outside the digits: a hash of an older format).
 */
export function lanesOfHash128(hash: string, out: Int32Array): boolean {
  if (hash.length !== HASH128_LENGTH) return false;
  out[0] = out[1] = out[2] = out[3] = 0;
  for (let i = 0; i < HASH128_LENGTH; i++) {
    const code = hash.charCodeAt(i);
    const v = code < 128 ? DIGIT_VALUES[code]! : -1;
    if (v < 0) return false;
    const bit = i * 6;
    const lane = bit >>> 5;
    const shift = bit & 31;
    out[lane]! |= v << shift;
    if (shift > 26 && lane < 3) out[lane + 1]! |= v >>> (32 - shift);
  }
  return true;
}

/** Whether hash128Without(o, skip, skip2) is `expected`, without making the hash string. */
export function hash128WithoutIs(expected: string, o: object, skip: string, skip2?: string): boolean {
  count = 0;
  object(o as Record<string, unknown>, skip, skip2);
  return digestIs(expected);
}

function of3(a: unknown, b: unknown, c: unknown): void {
  count = 0;
  word((3 << 3) | ARRAY);
  value(a === undefined ? null : a);
  value(b === undefined ? null : b);
  value(c === undefined ? null : c);
}

/** hash128 of the array [a, b, c] without building it (an edge's content: dates and properties). */
export function hash128Of3(a: unknown, b: unknown, c: unknown): string {
  of3(a, b, c);
  return digest();
}

/** Whether hash128Of3(a, b, c) is `expected`, without making the hash string. */
export function hash128Of3Is(expected: string, a: unknown, b: unknown, c: unknown): boolean {
  of3(a, b, c);
  return digestIs(expected);
}

const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hex = (lane: number, shift: number): number => HEX[(H[lane]! >>> shift) & 15]!;

/** The four 32-bit lanes of the 128-bit hash of the strings a and b (each self-delimiting). */
export function lanes128OfStrings(a: string, b: string): Int32Array {
  count = 0;
  string(a);
  string(b);
  mix();
  return H.slice();
}

/**
 * `prefix` (four characters), then in 32 lowercase hex digits the 128-bit hash of: the four words
 * of `lanes` (a hash of what every id of a batch shares, lanes128OfStrings), the word `tag`, and
 * the string `s`. One flat string made by one call: ids for millions of events a sync
 * (diff/event-ids.ts), where a sha256 per id through node:crypto cost ~1.5 µs.
 */
export function hex128Of(prefix: string, lanes: Int32Array, tag: number, s: string): string {
  if (prefix.length !== 4 || lanes.length !== 4) throw new RangeError('hex128Of takes a four-character prefix and four lanes');
  count = 0;
  word(lanes[0]!);
  word(lanes[1]!);
  word(lanes[2]!);
  word(lanes[3]!);
  word(tag);
  string(s);
  mix();
  // prettier-ignore
  return String.fromCharCode(
    prefix.charCodeAt(0), prefix.charCodeAt(1), prefix.charCodeAt(2), prefix.charCodeAt(3),
    hex(0, 28), hex(0, 24), hex(0, 20), hex(0, 16), hex(0, 12), hex(0, 8), hex(0, 4), hex(0, 0),
    hex(1, 28), hex(1, 24), hex(1, 20), hex(1, 16), hex(1, 12), hex(1, 8), hex(1, 4), hex(1, 0),
    hex(2, 28), hex(2, 24), hex(2, 20), hex(2, 16), hex(2, 12), hex(2, 8), hex(2, 4), hex(2, 0),
    hex(3, 28), hex(3, 24), hex(3, 20), hex(3, 16), hex(3, 12), hex(3, 8), hex(3, 4), hex(3, 0),
  );
}

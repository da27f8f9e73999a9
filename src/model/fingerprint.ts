// A row's fingerprint: one number standing for a stored row's id and content hash together, so a
// store can hand a sync "what is stored" as a flat array of numbers (one per live row) instead of
// a map of millions of id and hash strings. Reading 4M (id, hash) string pairs out of SQLite and
// into Maps took ~9 s of a 1M-node full sync; the same rows' fingerprints read in ~0.7 s.
//
// A fingerprint is 63 bits carried in a float64, because a JS number holds only 53 bits of an
// integer exactly and SQLite stores a REAL's 8 bytes as they are: sign (1 bit), an exponent field
// from 1 to 1024 (10 bits: never 0, so no zero or subnormal; never 2047, so no NaN or infinity) and
// the 52 fraction bits. Two fingerprints are equal as numbers exactly when their bits are equal.
//
// The bits are two independent 32-bit FNV-1a-style lanes (different multipliers and offsets),
// started from the content hash's 128 bits and run over the id, each finished with a murmur-style
// mix. Taking the hash's bits, not its string, lets a sync fingerprint an extracted node straight
// from its hash lanes (nodeFingerprint): 1M hash strings made and dropped cost ~2 s of a 1M-node
// sync's time beside its 2 GB graph, most of it in the garbage collector. Equal
// fingerprints are taken to mean equal (id, hash) only where a wrong match would show: the
// classification that uses them (diff/fingerprints.ts) checks what it can and otherwise falls
// back to comparing ids and hashes; see there for the odds of a match it cannot check.

import { lanes128OfStrings, lanesOfHash128 } from './json-hash128.ts';
import { nodeHashLanes } from './hash.ts';
import type { NormalizedNode } from './node.ts';

const words = new Float64Array(1);
const halves = new Uint32Array(words.buffer);
// Which half of the float64 holds the sign and exponent (the high word): 1 on little-endian machines.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// The last content hash given as a string, and its lanes: most edges share one hash (the plain
// edges', one string), which is then decoded once, not per edge.
let lastHash: string | undefined;
const lastLanes = new Int32Array(4);

/**
 * The fingerprint of a stored row with id `id` and content hash `contentHash` (never 0, never
 * NaN): of the id and the 128 bits the hash string spells. A string that is not a hash128 (an
 * older format) gets lanes of its characters instead; it never equals a current hash anyway.
 */
export function rowFingerprint(id: string, contentHash: string): number {
  if (contentHash !== lastHash) {
    if (!lanesOfHash128(contentHash, lastLanes)) otherLanes(contentHash, lastLanes);
    lastHash = contentHash;
  }
  return fingerprintOf(id, lastLanes);
}

/** rowFingerprint(node.nodeId, nodeContentHash(node)), without making the hash string. */
export function nodeFingerprint(node: NormalizedNode): number {
  return fingerprintOf(node.nodeId, nodeHashLanes(node));
}

/** Lanes for a string that is not a hash128: its own 128-bit hash, tagged so no hash128's lanes equal it but by chance. */
function otherLanes(text: string, out: Int32Array): void {
  out.set(lanes128OfStrings('not a hash128', text));
}

function fingerprintOf(id: string, hash: Int32Array): number {
  // Two lanes, each started from two of the hash's lanes, then over the id's UTF-16 code units.
  let a = Math.imul(hash[0]! ^ 0x811c9dc5, 0x01000193) ^ hash[1]!;
  let b = Math.imul(hash[2]! ^ 0x2c9277b5, 0x5bd1e995) ^ hash[3]!;
  for (let j = 0; j < id.length; j++) {
    const c = id.charCodeAt(j);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  const high = mix(a ^ Math.imul(id.length, 0x27d4eb2f));
  const low = mix(b ^ hash[0]!);
  // Sign bit and 20 fraction bits from one lane, 10 bits of exponent field (+1) from both.
  const exponent = (((high >>> 20) ^ (low >>> 22)) & 0x3ff) + 1;
  halves[HIGH] = ((high & 0x80000000) | (exponent << 20) | (high & 0xfffff)) >>> 0;
  halves[LOW] = low;
  return words[0]!;
}

import type { NormalizedEdge } from './edge.ts';
import type { NormalizedNode } from './node.ts';
import { hash128Of3, hash128Of3Is, hash128Without, hash128WithoutIs, hash128WithoutLanes } from './json-hash128.ts';

// Content hashes (DESIGN decision 3): the diff compares these first and looks at properties only
// when they differ. Canonical JSON (sorted keys, undefined dropped) so key order never matters.

//
// Written as loops over one growing string: the relay computes it twice per graph event (the
// idempotency key hashes the before and after states), and the map/filter/join form allocated an
// array per level — a fifth of the relay's CPU per message (issue 17). Same output.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      const v: unknown = value[i];
      text += v === undefined ? 'null' : canonicalJson(v);
    }
    return `${text}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let text = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${text}}`;
}

/**
 * Content hashes (DESIGN decision 3), kept by every store beside each row and compared by the
 * diff: a 128-bit hash computed by walking the row (json-hash128.ts, where the collision odds are
 * explained), 22 base64url characters. A hash covers a row's content beyond its id: the diff only
 * ever compares the stored and the extracted row of one id, so the id itself (a node's nodeId; an
 * edge's edgeId with the type and ends it is made of, which validateGraph checks against
 * makeEdgeId) is equal on both sides by construction and hashing it again bought nothing — it was
 * most of an edge's words. Equal hashes then mean the same content in the same key order for that
 * id, but for a collision (odds in json-hash128.ts); unequal hashes do not prove a change: the diff
 * then reads the stored row and compares it canonically (changed-properties), and a row whose
 * content is the same is rewritten with the current hash but reported as nothing (no event). That
 * is the path a hash written by an older version takes once — the sha1 base64 hashes (28
 * characters) and the first hash128 format (which hashed the ids too, seed "ag01") never equal a
 * current hash — after which the row compares by hash again.
 */
export function nodeContentHash(node: NormalizedNode): string {
  return hash128Without(node, 'nodeId', 'deletedAt');
}

/** The 128 bits of nodeContentHash(node) as four lanes, without making the string (reused by the next call). */
export function nodeHashLanes(node: NormalizedNode): Int32Array {
  return hash128WithoutLanes(node, 'nodeId', 'deletedAt');
}

/** nodeContentHash(node) === hash, without making the string (the diff's question per row). */
export function nodeHashIs(node: NormalizedNode, hash: string): boolean {
  return hash128WithoutIs(hash, node, 'nodeId', 'deletedAt');
}

/** Edge content beyond its id (the id is made of type and ends): dates and properties. */
export function edgeContentHash(edge: NormalizedEdge): string {
  return isPlainEdge(edge) ? plainEdgeHash() : hash128Of3(edge.since, edge.until, edge.properties);
}

/** edgeContentHash(edge) === hash, without making the string. */
export function edgeHashIs(edge: NormalizedEdge, hash: string): boolean {
  return isPlainEdge(edge) ? hash === plainEdgeHash() : hash128Of3Is(hash, edge.since, edge.until, edge.properties);
}

// Most edges carry no dates and no properties (3M of the 1M-node synthetic tenant's 3M): they all
// share one hash, computed once by the general path so the two can never disagree.
let plainHash: string | undefined;
/** The content hash every plain edge (isPlainEdge) has. */
export const plainEdgeHash = (): string => (plainHash ??= hash128Of3(undefined, undefined, {}));

/**
 * `hash`, or for the plain edges' hash the one string plainEdgeHash() returns. A store's hash read
 * makes a string per edge, and most of them spell that one hash: sharing it, the diff's question
 * "is this stored edge still plain?" is one pointer comparison (no read of the stored string, a
 * cache miss per edge over millions), and the previous state holds one string instead of millions.
 */
export function sharedHash(hash: string): string {
  const plain = plainEdgeHash();
  return hash === plain ? plain : hash;
}

/** An edge without dates and with no properties: its content hash is plainEdgeHash(). */
export function isPlainEdge(edge: NormalizedEdge): boolean {
  const properties: unknown = edge.properties;
  if (edge.since !== undefined || edge.until !== undefined || typeof properties !== 'object' || properties === null) return false;
  for (const _ in properties) return false;
  return true;
}

/**
 * Deep equality of JSON content, independent of key order; allocation-free, so the diff can
 * compare millions of unchanged rows cheaply (faster than two stringify calls).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    count++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) count--;
  return count === 0;
}

/** Same content, ignoring tombstone bookkeeping (deletedAt). */
export function sameNodeContent(a: NormalizedNode, b: NormalizedNode): boolean {
  if (a === b) return true;
  if (a.deletedAt === undefined && b.deletedAt === undefined) return sameJson(a, b);
  const { deletedAt: _a, ...x } = a;
  const { deletedAt: _b, ...y } = b;
  return sameJson(x, y);
}

export function sameEdgeContent(a: NormalizedEdge, b: NormalizedEdge): boolean {
  return (
    a === b ||
    (a.edgeType === b.edgeType &&
      a.sourceNodeId === b.sourceNodeId &&
      a.targetNodeId === b.targetNodeId &&
      a.since === b.since &&
      a.until === b.until &&
      sameJson(a.properties, b.properties))
  );
}

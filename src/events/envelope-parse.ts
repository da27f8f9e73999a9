import { z } from 'zod';
import { MAX_JSON_DEPTH } from '../model/index.ts';
import type { JsonObject } from '../model/index.ts';
import { Envelope, GraphEventBody, GraphEventEnvelope } from './envelope.ts';

// A consumer validates every message against the envelope schema (zod at the boundary). The
// schema's before/after states are JSON trees checked by a recursive, depth-capped zod schema
// (model/common.ts JsonValue), and a recursive schema is one zod can neither compile nor check
// cheaply: on the consumer's CPU profile (issue 17) it was most of what a graph event cost to
// read. Graph events — nearly every message — are checked here by the same envelope schema with
// the states checked by one iterative walk, compiled by zod (z.compile); anything that walk or the
// compiled schema refuses goes through Envelope itself, so a message is accepted exactly when
// Envelope accepts it and a refusal carries Envelope's own error.

/**
 * What JsonObject accepts of a parsed JSON value: a plain object whose property values are JSON
 * (strings, finite numbers, booleans, null, arrays and plain objects of them) nested no more than
 * MAX_JSON_DEPTH levels below it. Recursive, but never deeper than that limit: any input is safe.
 */
export function isJsonObjectWithinDepth(value: unknown): value is JsonObject {
  // The object itself is level 0 here: JsonObject caps each property value at MAX_JSON_DEPTH.
  return isPlainObject(value) && childrenWithin(value as Record<string, unknown>, 0);
}

/** Whether every child of an object or array is JSON, containers no deeper than MAX_JSON_DEPTH. */
function childrenWithin(container: Record<string, unknown> | unknown[], depth: number): boolean {
  if (Array.isArray(container)) {
    for (const child of container) if (!jsonWithin(child, depth + 1)) return false;
  } else {
    for (const key in container) if (Object.hasOwn(container, key) && !jsonWithin(container[key], depth + 1)) return false;
  }
  return true;
}

function jsonWithin(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (!Array.isArray(v) && !isPlainObject(v)) return false;
  return depth <= MAX_JSON_DEPTH && childrenWithin(v as Record<string, unknown> | unknown[], depth);
}

function isPlainObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const ParsedJsonObject = z.custom<JsonObject>(isJsonObjectWithinDepth);

/** GraphEventEnvelope with the states checked by the walk above, compiled. */
const FastGraphEventEnvelope = z.compile(
  GraphEventEnvelope.extend({ event: GraphEventBody.extend({ beforeState: ParsedJsonObject.nullable(), afterState: ParsedJsonObject.nullable() }) }),
);

/** Envelope.parse of a message's JSON text, fast for graph events; throws what Envelope.parse throws. */
export function parseEnvelope(text: string): Envelope {
  const value: unknown = JSON.parse(text);
  if ((value as { kind?: unknown } | null)?.kind === 'graph_event') {
    const fast = FastGraphEventEnvelope.safeParse(value);
    if (fast.success) return fast.data;
  }
  return Envelope.parse(value);
}

import crypto, { createHash } from 'node:crypto';
import type { EdgeType, SourceSystem } from './enums.ts';

// Stable ids (DESIGN decision 2). The scope (tenant id, instance URL) is part of the node id so two
// instances of one source never collide; edges are identified by what they join.

/** A scope safe inside an id: lower case, no scheme, no trailing slash. */
export function normalizeScope(scope: string): string {
  return scope
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/+$/, '');
}

export function makeNodeId(sourceSystem: SourceSystem, scope: string, sourceId: string): string {
  return `${sourceSystem}:${normalizeScope(scope)}:${sourceId}`;
}

export function makeEdgeId(edgeType: EdgeType, sourceNodeId: string, targetNodeId: string): string {
  return `${edgeType}:${shortHash(`${sourceNodeId}\u0000${targetNodeId}`)}`;
}

// Node's one-shot hash (20.12+) gives the same digest without a Hash object per call: a third of
// what an event's idempotency key cost the relay (issue 17). Node 20.11, which package.json still
// allows, has only createHash.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function shortHash(text: string, length = 24): string {
  const hex = oneShotHash ? oneShotHash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
  return hex.slice(0, length);
}

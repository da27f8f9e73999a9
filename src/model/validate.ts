import type { z } from 'zod';
import { EDGE_ENDPOINTS } from './edge.ts';
import { NormalizedGraph } from './graph.ts';
import { remapLegacyGraph } from './legacy.ts';
import { MAX_JSON_DEPTH, findTooDeep, tooDeepMessage } from './json-depth.ts';
import { makeEdgeId, makeNodeId } from './ids.ts';
import { findSecrets } from './secrets.ts';

/** Levels of a graph document above its property values: graph, nodes, node, properties. */
const GRAPH_LEVELS = 4;

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly what: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${what} is invalid:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Parse with any zod schema, returning every bad field with its path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: issuesOf(result.error) };
}

/** Parse or throw a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = parseWith(schema, input);
  if (!parsed.ok) throw new ValidationError(what, parsed.issues);
  return parsed.value;
}

/**
 * The boundary for connector output and graph files: legacy remap, schema, no secret-named
 * fields, unique ids, and edge endpoints of the types the schema allows.
 */
export function parseNormalizedGraph(input: unknown): Parsed<NormalizedGraph> {
  // Depth first, before anything recursive walks the input: a graph file is four levels
  // (graph, nodes, node, properties) above the property values, which may nest MAX_JSON_DEPTH.
  const deep = findTooDeep(input, MAX_JSON_DEPTH + GRAPH_LEVELS);
  if (deep) return { ok: false, issues: [{ path: formatPath(deep.path), message: tooDeepMessage(MAX_JSON_DEPTH) }] };
  const remapped = remapLegacyGraph(input);
  const parsed = parseWith(NormalizedGraph, remapped);
  const secretIssues = findSecrets(remapped).map((f) => ({
    path: formatPath(f.path),
    message: `secret material must never enter the graph (${f.reason}); remove this field`,
  }));
  if (!parsed.ok) return { ok: false, issues: [...parsed.issues, ...secretIssues] };
  const issues = [...secretIssues, ...integrityIssues(parsed.value)];
  return issues.length ? { ok: false, issues } : parsed;
}

function integrityIssues(graph: NormalizedGraph): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const typeOf = new Map<string, string>();
  graph.nodes.forEach((n, i) => {
    if (typeOf.has(n.nodeId)) issues.push({ path: `nodes[${i}].nodeId`, message: `duplicate nodeId ${n.nodeId}` });
    typeOf.set(n.nodeId, n.nodeType);
    // Ids follow from their parts (DESIGN decision 2): an id that does not is a different node
    // under a borrowed name, and would overwrite it.
    const derived = makeNodeId(n.sourceSystem, n.sourceScope, n.sourceId);
    if (n.nodeId !== derived) issues.push({ path: `nodes[${i}].nodeId`, message: `nodeId ${n.nodeId} does not match its parts (sourceSystem, sourceScope, sourceId → ${derived})` });
  });
  const edgeIds = new Set<string>();
  graph.edges.forEach((e, i) => {
    if (edgeIds.has(e.edgeId)) issues.push({ path: `edges[${i}].edgeId`, message: `duplicate edgeId ${e.edgeId}` });
    // An edge whose ends changed under the same id would otherwise keep its old ends in storage.
    const derived = makeEdgeId(e.edgeType, e.sourceNodeId, e.targetNodeId);
    if (e.edgeId !== derived) issues.push({ path: `edges[${i}].edgeId`, message: `edgeId ${e.edgeId} does not match its parts (edgeType, sourceNodeId, targetNodeId → ${derived})` });
    edgeIds.add(e.edgeId);
    const allowed = EDGE_ENDPOINTS[e.edgeType];
    const from = typeOf.get(e.sourceNodeId);
    const to = typeOf.get(e.targetNodeId);
    if (from && !(allowed.from as readonly string[]).includes(from)) {
      issues.push({ path: `edges[${i}].sourceNodeId`, message: `${e.edgeType} cannot start at a ${from} node` });
    }
    if (to && !(allowed.to as readonly string[]).includes(to)) {
      issues.push({ path: `edges[${i}].targetNodeId`, message: `${e.edgeType} cannot end at a ${to} node` });
    }
  });
  return issues;
}

export function parseNormalizedGraphOrThrow(input: unknown): NormalizedGraph {
  const parsed = parseNormalizedGraph(input);
  if (!parsed.ok) throw new ValidationError('graph', parsed.issues);
  return parsed.value;
}

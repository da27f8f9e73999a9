import { graphql } from '../graphql.ts';
import type { DocumentNode } from 'graphql';
import type { NodeType, NormalizedEdge, NormalizedNode } from '../../model/index.ts';
import type { ApiContext } from '../context.ts';
import { NodeEdgesArgs, parseArgs } from '../inputs.ts';
import { edgeKey } from '../loaders.ts';
import type { Resolver, ResolverMap } from './types.ts';
import { actionLabel } from '../../resolve/permission-action.ts';

const { Kind } = graphql;

/** The GraphQL object type of each node type. */
export const NODE_TYPENAMES: Record<NodeType, string> = {
  identity: 'Identity',
  automation: 'Automation',
  connection: 'Connection',
  credential: 'Credential',
  human_identity: 'HumanIdentity',
  role: 'Role',
  permission: 'Permission',
  resource: 'Resource',
  execution_evidence: 'ExecutionEvidence',
};

// Schema fields whose property has another name (Node.deletedAt is the tombstone date).
const PROPERTY_NAMES: Record<string, string> = { accountDeletedAt: 'deletedAt' };

const nodeEdges: Resolver<NormalizedNode> = async (node, args, ctx) => {
  const a = parseArgs(NodeEdgesArgs, args, 'edges');
  const edges = await ctx.loaders.edges.load(edgeKey(node.nodeId, a.direction));
  return (a.types ? edges.filter((e) => a.types!.includes(e.edgeType)) : edges).slice(0, a.first);
};

/**
 * Resolvers for the Node interface and its nine types. The schema decides which fields a type has:
 * every field beyond the interface's is read from the node's typed properties, so adding a
 * property is a schema change and nothing else.
 */
export function nodeResolvers(typeDefs: DocumentNode): ResolverMap {
  const map: ResolverMap = {
    Node: { __resolveType: (node: NormalizedNode) => NODE_TYPENAMES[node.nodeType] },
  };
  const common = new Set<string>();
  for (const def of typeDefs.definitions) {
    if (def.kind === Kind.INTERFACE_TYPE_DEFINITION && def.name.value === 'Node') def.fields?.forEach((f) => common.add(f.name.value));
  }
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || !def.interfaces?.some((i) => i.name.value === 'Node')) continue;
    const fields: Record<string, Resolver<NormalizedNode>> = { id: (n) => n.nodeId, edges: nodeEdges };
    for (const f of def.fields ?? []) {
      const name = f.name.value;
      if (common.has(name)) continue;
      const property = PROPERTY_NAMES[name] ?? name;
      fields[name] = (n) => (n.properties as Record<string, unknown>)[property] ?? null;
    }
    map[def.name.value] = fields;
  }
  // Derived, not stored: a guessed action must read as a guess wherever it is shown.
  map.Permission = { ...map.Permission, actionLabel: (n: NormalizedNode) => actionLabel(n.properties as { normalizedAction: string }) };
  return map;
}

export const edgeResolvers: ResolverMap = {
  Edge: {
    id: (e: NormalizedEdge) => e.edgeId,
    source: (e: NormalizedEdge, _args: unknown, ctx: ApiContext) => ctx.loaders.node.load(e.sourceNodeId),
    target: (e: NormalizedEdge, _args: unknown, ctx: ApiContext) => ctx.loaders.node.load(e.targetNodeId),
    provenance: (e: NormalizedEdge) => e.properties.provenance ?? null,
    properties: (e: NormalizedEdge) => e.properties,
    rawProperties: (e: NormalizedEdge) => e.properties,
  },
};

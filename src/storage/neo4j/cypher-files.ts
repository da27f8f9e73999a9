import { readFileSync } from 'node:fs';

// Every statement lives in cypher/ (DESIGN layout), read once when this module loads. A missing
// file fails start-up, not the first query that needs it.

const FILES = {
  schemaNodes: 'schema/nodes.cypher',
  schemaNodeLabel: 'schema/node-label.cypher',
  schemaEdgeType: 'schema/edge-type.cypher',
  schemaEvents: 'schema/events.cypher',
  schemaSyncStates: 'schema/sync-states.cypher',
  schemaOutbox: 'schema/outbox.cypher',
  schemaHistory: 'schema/history.cypher',
  schemaTenantHomes: 'schema/tenant-homes.cypher',
  schemaAwait: 'schema/await.cypher',
  nodeUpsert: 'nodes/upsert.cypher',
  nodeDropEdges: 'nodes/drop-edges.cypher',
  nodeEdgeTypes: 'nodes/edge-types.cypher',
  nodeGetMany: 'nodes/get-many.cypher',
  nodeGetManyAsOf: 'nodes/get-many-as-of.cypher',
  nodeByType: 'nodes/by-type.cypher',
  nodeList: 'nodes/list.cypher',
  nodeListAsOf: 'nodes/list-as-of.cypher',
  nodeForConnector: 'nodes/for-connector.cypher',
  nodeHashesForConnector: 'nodes/hashes-for-connector.cypher',
  edgeUpsert: 'edges/upsert.cypher',
  edgeCreate: 'edges/create.cypher',
  edgeMissing: 'edges/missing.cypher',
  edgeRemoveById: 'edges/remove-by-id.cypher',
  edgeForNode: 'edges/for-node.cypher',
  edgeForNodeAsOf: 'edges/for-node-as-of.cypher',
  edgeForConnector: 'edges/for-connector.cypher',
  edgeHashesForConnector: 'edges/hashes-for-connector.cypher',
  edgeGetMany: 'edges/get-many.cypher',
  eventAppend: 'events/append.cypher',
  eventCreate: 'events/create.cypher',
  eventQuery: 'events/query.cypher',
  syncSave: 'sync/save.cypher',
  syncList: 'sync/list.cypher',
  syncLastCompleted: 'sync/last-completed.cypher',
  syncDataVersion: 'sync/data-version.cypher',
  pathSearch: 'paths/search.cypher',
  pathExpand: 'paths/expand.cypher',
  pathExpandAsOf: 'paths/expand-as-of.cypher',
  outboxEnqueue: 'outbox/enqueue.cypher',
  outboxPending: 'outbox/pending.cypher',
  outboxMarkSent: 'outbox/mark-sent.cypher',
  outboxStats: 'outbox/stats.cypher',
  outboxList: 'outbox/list.cypher',
  leaseLock: 'leases/lock.cypher',
  leaseAcquire: 'leases/acquire.cypher',
  leaseRelease: 'leases/release.cypher',
  postureChains: 'posture/chains.cypher',
  postureIdentities: 'posture/identities.cypher',
  postureOtherChains: 'posture/other-chains.cypher',
  tenantPurge: 'tenant/purge.cypher',
  tenantHistoryStats: 'tenant/history-stats.cypher',
  tenantHome: 'tenant/home.cypher',
  tenantHomeLock: 'tenant/home-lock.cypher',
  tenantHomeEmpty: 'tenant/home-empty.cypher',
  tenantHomeSwitch: 'tenant/home-switch.cypher',
  tenantHomeForget: 'tenant/home-forget.cypher',
  stageExistingNodes: 'stage/existing-nodes.cypher',
  stageOutbox: 'stage/outbox.cypher',
  stageCreateNodes: 'stage/create-nodes.cypher',

  stageSwitchNodes: 'stage/switch-nodes.cypher',
  stageSwitchEdges: 'stage/switch-edges.cypher',
  stageSwitchEvents: 'stage/switch-events.cypher',
  stageSwitchOutbox: 'stage/switch-outbox.cypher',
  benchSchema: 'bench/schema.cypher',
  benchCreateNodes: 'bench/create-nodes.cypher',
  benchCreateEdges: 'bench/create-edges.cypher',
} as const;

export type CypherName = keyof typeof FILES;

const ROOT = new URL('../../../cypher/', import.meta.url);

/** Whole-line `//` comments are for readers of cypher/; the server gets the statement alone. */
const withoutComments = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .trim();

export const CYPHER: Readonly<Record<CypherName, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(FILES).map(([name, file]) => [name, withoutComments(readFileSync(new URL(file, ROOT), 'utf8'))]),
  ) as Record<CypherName, string>,
);

const SLOT = /\{\{([A-Z_]+)\}\}/g;

/**
 * Fill a statement's {{SLOTS}}. Callers pass only values from fixed tables (labels.ts) or
 * fragments built from validated input; every slot must be filled and every value used, so a
 * renamed slot fails loudly instead of sending `{{X}}` to the server.
 */
export function render(name: CypherName, slots: Readonly<Record<string, string>> = {}): string {
  const used = new Set<string>();
  const text = CYPHER[name].replace(SLOT, (_, slot: string) => {
    const value = slots[slot];
    if (value === undefined) throw new Error(`cypher/${FILES[name]}: no value for {{${slot}}}`);
    used.add(slot);
    return value;
  });
  const unused = Object.keys(slots).filter((s) => !used.has(s));
  if (unused.length) throw new Error(`cypher/${FILES[name]}: no slot for ${unused.join(', ')}`);
  return text;
}

/** A schema file's statements, split at the `;` ending a line. */
export function statementsOf(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

import { describe, expect, it } from 'vitest';
import { PathQuery } from '../../../src/model/index.ts';
import type { NormalizedEdge, NormalizedNode } from '../../../src/model/index.ts';
import { StorageError } from '../../../src/storage/errors.ts';
import { expansionStep } from '../../../src/storage/neo4j/path-expansion.ts';
import { edgeCreateBatches, edgeRemovals, edgeUpserts, eventAppends, nodeList, nodeUpserts, pathSearch } from '../../../src/storage/neo4j/statements.ts';

// The generated Cypher, checked without a database (STYLE "Generated Cypher checked without a
// database"): text and parameters are snapshots, so a change to either shows up in review.

const role: NormalizedNode = {
  nodeId: 'entra_id:contoso:role-1',
  nodeType: 'role',
  sourceSystem: 'entra_id',
  sourceScope: 'contoso',
  sourceId: 'role-1',
  displayName: 'Global Admin',
  status: 'active',
  properties: { roleName: 'Global Administrator', roleSubtype: 'directory', isPrivileged: true, tags: ['a'], note: null },
};
const identity: NormalizedNode = {
  nodeId: 'entra_id:contoso:sp-1',
  nodeType: 'identity',
  sourceSystem: 'entra_id',
  sourceScope: 'contoso',
  sourceId: 'sp-1',
  displayName: 'Payroll',
  status: 'active',
  properties: { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'owned' },
};
/** When written content becomes valid (history): a sync's validAt. */
const AT = '2026-01-15T06:00:00.000Z';

const hasRole: NormalizedEdge = {
  edgeId: 'HAS_ROLE:1',
  edgeType: 'HAS_ROLE',
  sourceNodeId: identity.nodeId,
  targetNodeId: role.nodeId,
  properties: { grantedBy: 'admin@contoso' },
};

describe('Neo4j statements', () => {
  it('writes nodes as UNWIND batches, one statement per type label and batch', () => {
    const statements = nodeUpserts('tenant-a', [role, identity, { ...identity, nodeId: 'entra_id:contoso:sp-2' }], 'entra', AT, 2);
    expect(statements.map((s) => s.params.rows as unknown[]).map((rows) => rows.length)).toEqual([1, 2]);
    expect(statements[0]).toMatchInlineSnapshot(`
      {
        "params": {
          "at": "2026-01-15T06:00:00.000Z",
          "connectorId": "entra",
          "rows": [
            {
              "nodeId": "entra_id:contoso:role-1",
              "props": {
                "contentHash": "6X5pW39MJpq4iwkPhO2etB",
                "displayName": "Global Admin",
                "json": "{"nodeId":"entra_id:contoso:role-1","nodeType":"role","sourceSystem":"entra_id","sourceScope":"contoso","sourceId":"role-1","displayName":"Global Admin","status":"active","properties":{"roleName":"Global Administrator","roleSubtype":"directory","isPrivileged":true,"tags":["a"],"note":null}}",
                "nodeId": "entra_id:contoso:role-1",
                "nodeType": "role",
                "nullProps": [
                  "note",
                ],
                "p_isPrivileged": true,
                "p_roleName": "Global Administrator",
                "p_roleSubtype": "directory",
                "sourceId": "role-1",
                "sourceScope": "contoso",
                "sourceSystem": "entra_id",
                "status": "active",
                "tenantId": "tenant-a",
              },
            },
          ],
          "tenantId": "tenant-a",
        },
        "text": "UNWIND $rows AS row
      MERGE (n:Node {tenantId: $tenantId, nodeId: row.nodeId})
      WITH n, row, n.connectorId AS previousConnector, n.nodeType AS previousType, n.validFrom AS previousFrom,
        coalesce(n.contentHash, n.tombstoneHash) <> coalesce(row.props.contentHash, row.props.tombstoneHash) AND n.json <> row.props.json AS changed
      FOREACH (_ IN CASE WHEN changed AND previousFrom < $at THEN [1] ELSE [] END |
        CREATE (v:NodeVersion)
        SET v = properties(n), v.validTo = $at
      )
      SET n = row.props
      SET n.connectorId = CASE
        WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
        ELSE $connectorId
      END,
      n.validFrom = CASE
        WHEN previousFrom IS NOT NULL AND (NOT changed OR previousFrom >= $at) THEN previousFrom
        ELSE $at
      END
      FOREACH (_ IN CASE WHEN previousType <> row.props.nodeType THEN [1] ELSE [] END |
        REMOVE n:Identity:Automation:Connection:Credential:HumanIdentity:Role:Permission:Resource:ExecutionEvidence
      )
      SET n:Role",
      }
    `);
  });

  it('creates new edges per relationship type and pair of endpoint labels, each end found by its label index', () => {
    const approvedBy: NormalizedEdge = { edgeId: 'APPROVED_BY:1', edgeType: 'APPROVED_BY', sourceNodeId: identity.nodeId, targetNodeId: 'h-1', properties: {} };
    const unknownEnd: NormalizedEdge = { ...approvedBy, edgeId: 'APPROVED_BY:2', sourceNodeId: 'somewhere-else' };
    const typeOf = (id: string) => (id === identity.nodeId ? 'identity' : id === role.nodeId ? 'role' : undefined);
    const statements = [...edgeCreateBatches('tenant-a', [hasRole, approvedBy, unknownEnd], typeOf, 'entra', AT)];
    // The known node type, else the only type the edge allows there (APPROVED_BY → human), else Node.
    expect(statements.map((s) => s.text.split('\n').slice(1, 3).join(' '))).toEqual([
      'MATCH (source:Identity {tenantId: $tenantId, nodeId: row.sourceNodeId}) MATCH (target:Role {tenantId: $tenantId, nodeId: row.targetNodeId})',
      'MATCH (source:Identity {tenantId: $tenantId, nodeId: row.sourceNodeId}) MATCH (target:HumanIdentity {tenantId: $tenantId, nodeId: row.targetNodeId})',
      'MATCH (source:Node {tenantId: $tenantId, nodeId: row.sourceNodeId}) MATCH (target:HumanIdentity {tenantId: $tenantId, nodeId: row.targetNodeId})',
    ]);
    expect(statements[0]!.text).toContain('CREATE (source)-[r:HAS_ROLE]->(target)');
    expect(statements[0]!.text).not.toContain('MERGE');
    expect(statements.map((s) => (s.params.rows as { edgeId: string }[]).map((r) => r.edgeId))).toEqual([['HAS_ROLE:1'], ['APPROVED_BY:1'], ['APPROVED_BY:2']]);
    // Connector and validity travel in the row, so the create is one SET like the bare ceiling.
    expect((statements[0]!.params.rows as { props: Record<string, unknown> }[])[0]!.props).toMatchObject({ connectorId: 'entra', validFrom: AT, edgeId: 'HAS_ROLE:1' });
  });

  it('writes edges per relationship type, ends merged by key', () => {
    const [statement] = edgeUpserts('tenant-a', [hasRole], 'entra', AT);
    expect(statement).toMatchInlineSnapshot(`
      {
        "params": {
          "at": "2026-01-15T06:00:00.000Z",
          "connectorId": "entra",
          "rows": [
            {
              "edgeId": "HAS_ROLE:1",
              "props": {
                "contentHash": "FXb5nOnKQTvs37DB6xPuWA",
                "edgeId": "HAS_ROLE:1",
                "json": "{"edgeId":"HAS_ROLE:1","edgeType":"HAS_ROLE","sourceNodeId":"entra_id:contoso:sp-1","targetNodeId":"entra_id:contoso:role-1","properties":{"grantedBy":"admin@contoso"}}",
                "tenantId": "tenant-a",
              },
              "sourceNodeId": "entra_id:contoso:sp-1",
              "targetNodeId": "entra_id:contoso:role-1",
            },
          ],
          "tenantId": "tenant-a",
        },
        "text": "UNWIND $rows AS row
      MERGE (source:Node {tenantId: $tenantId, nodeId: row.sourceNodeId})
      MERGE (target:Node {tenantId: $tenantId, nodeId: row.targetNodeId})
      WITH source, target, row
      OPTIONAL MATCH (a)-[stale:HAS_ROLE {tenantId: $tenantId, edgeId: row.edgeId}]->(b)
      WHERE a <> source OR b <> target
      FOREACH (_ IN CASE WHEN stale.validFrom < $at THEN [1] ELSE [] END |
        CREATE (a)-[h:HIST_HAS_ROLE]->(b)
        SET h = properties(stale), h.validTo = $at
      )
      DELETE stale
      WITH source, target, row
      MERGE (source)-[r:HAS_ROLE {tenantId: $tenantId, edgeId: row.edgeId}]->(target)
      WITH source, target, r, row, r.connectorId AS previousConnector, r.validFrom AS previousFrom,
        r.contentHash <> row.props.contentHash AND r.json <> row.props.json AS changed
      FOREACH (_ IN CASE WHEN changed AND previousFrom < $at THEN [1] ELSE [] END |
        CREATE (source)-[h:HIST_HAS_ROLE]->(target)
        SET h = properties(r), h.validTo = $at
      )
      SET r = row.props
      SET r.connectorId = CASE
        WHEN $connectorId = 'manual' AND previousConnector IS NOT NULL THEN previousConnector
        ELSE $connectorId
      END,
      r.validFrom = CASE
        WHEN previousFrom IS NOT NULL AND (NOT changed OR previousFrom >= $at) THEN previousFrom
        ELSE $at
      END",
      }
    `);
  });

  it('builds a tenant-scoped, type-restricted, depth-capped path query from every node of a type', () => {
    const query = PathQuery.parse({
      startNodeType: 'automation',
      startNodeFilters: { automationSubtype: ['business_rule', 'scheduled_job'] },
      traverseEdgeTypes: ['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS', 'CALLS'],
      endNodeType: 'identity',
      endNodeFilters: { status: 'active' },
      maxDepth: 8,
    });
    expect(pathSearch('tenant-a', query)).toMatchInlineSnapshot(`
      {
        "params": {
          "e0": "active",
          "limit": Integer {
            "high": 0,
            "low": 1000,
          },
          "s0": [
            "business_rule",
            "scheduled_job",
          ],
          "tenantId": "tenant-a",
        },
        "text": "MATCH (start:Automation {tenantId: $tenantId})
      WHERE start.json IS NOT NULL AND start.deletedAt IS NULL
        AND start.p_automationSubtype IN $s0
      MATCH path = (start)-[:CALLS|INVOKES|USES|AUTHENTICATES_AS*1..8]->(end:Identity)
      WHERE all(r IN relationships(path) WHERE r.tenantId = $tenantId)
        AND all(n IN nodes(path) WHERE n.tenantId = $tenantId AND n.json IS NOT NULL AND n.deletedAt IS NULL)
        AND all(i IN range(1, length(path)) WHERE NOT nodes(path)[i] IN nodes(path)[0..i])
        AND coalesce(end.status, end.p_status) = $e0
      WITH start, path
      ORDER BY start.nodeId, [r IN relationships(path) | r.edgeId]
      LIMIT $limit
      WITH collect(path) AS paths
      CALL { WITH paths UNWIND paths AS p UNWIND nodes(p) AS n WITH DISTINCT n RETURN collect(n.json) AS nodes }
      CALL { WITH paths UNWIND paths AS p UNWIND relationships(p) AS r WITH DISTINCT r RETURN collect(r.json) AS edges }
      RETURN [p IN paths | [n IN nodes(p) | n.nodeId]] AS pathNodeIds,
        [p IN paths | [r IN relationships(p) | r.edgeId]] AS pathEdgeIds,
        nodes,
        edges",
      }
    `);
  });

  it('expands an anchored path search one level at a time, the end label only on the last level', () => {
    const query = PathQuery.parse({
      startNodeId: identity.nodeId,
      traverseEdgeTypes: ['AUTHENTICATES_AS', 'USES', 'INVOKES', 'CALLS'],
      endNodeType: 'automation',
      direction: 'incoming',
      maxDepth: 8,
    });
    expect(expansionStep('tenant-a', query, [identity.nodeId], false)).toMatchInlineSnapshot(`
      {
        "params": {
          "nodeIds": [
            "entra_id:contoso:sp-1",
          ],
          "tenantId": "tenant-a",
        },
        "text": "UNWIND $nodeIds AS nodeId
      MATCH (from:Node {tenantId: $tenantId, nodeId: nodeId})<-[r:AUTHENTICATES_AS|USES|INVOKES|CALLS]-(next:Node)
      WHERE r.tenantId = $tenantId AND next.tenantId = $tenantId AND next.json IS NOT NULL AND next.deletedAt IS NULL
      WITH collect([nodeId, next.nodeId, r.json]) AS steps, collect(DISTINCT next) AS reached
      RETURN steps, [n IN reached | n.json] AS nodes",
      }
    `);
    expect(expansionStep('tenant-a', query, ['x'], true).text).toContain('AND next:Automation');
    expect(() => expansionStep('t', { ...query, traverseEdgeTypes: ['CALLS]-() DETACH DELETE n //' as never] }, ['x'], false)).toThrow(/not one of EDGE_TYPES/);
  });

  it('pages nodes with filters on top-level and type-specific fields, JSON null included', () => {
    expect(nodeList('tenant-a', { nodeType: 'role', filters: { isPrivileged: true, sourceSystem: ['entra_id', 'okta'], note: null }, limit: 11 })).toMatchInlineSnapshot(`
      {
        "params": {
          "after": null,
          "f0": true,
          "f1": [
            "entra_id",
            "okta",
          ],
          "f2Key": "note",
          "includeDeleted": false,
          "limit": Integer {
            "high": 0,
            "low": 11,
          },
          "tenantId": "tenant-a",
        },
        "text": "MATCH (n:Role {tenantId: $tenantId})
      WHERE n.json IS NOT NULL
        AND ($includeDeleted OR n.deletedAt IS NULL)
        AND ($after IS NULL OR n.nodeId > $after)
        AND n.p_isPrivileged = $f0
        AND coalesce(n.sourceSystem, n.p_sourceSystem) IN $f1
        AND $f2Key IN coalesce(n.nullProps, [])
      RETURN n.json AS json
      ORDER BY n.nodeId
      LIMIT $limit",
      }
    `);
  });

  it('tries an edge id against each type (the key index is per type) and appends events by id', () => {
    expect(edgeRemovals('t', ['e1', 'e2'], ['CALLS', 'USES'], AT).map((s) => s.text.split('\n')[1])).toEqual([
      'MATCH (a)-[r:CALLS {tenantId: $tenantId, edgeId: edgeId}]->(b)',
      'MATCH (a)-[r:USES {tenantId: $tenantId, edgeId: edgeId}]->(b)',
    ]);
    expect(edgeRemovals('t', [], ['CALLS'], AT)).toEqual([]);
    const [append] = eventAppends('t', [
      {
        eventId: 'ev1',
        tenantId: 't',
        timestamp: '2026-01-15T06:00:00.000Z',
        entityType: 'role',
        entityId: role.nodeId,
        eventType: 'created',
        beforeState: null,
        afterState: null,
        sourceConnector: 'entra',
        syncId: 's1',
        sequence: 0,
      },
    ]);
    expect((append!.params.rows as { props: Record<string, unknown> }[])[0]!.props).toMatchObject({ ms: Date.parse('2026-01-15T06:00:00.000Z'), syncId: 's1', sequence: 0 });
  });
});

describe('labels and relationship types outside the enums', () => {
  const evil = 'Role) DETACH DELETE (n';

  it('rejects a node type that is not in NODE_TYPES before building a statement', () => {
    const bad = { ...role, nodeType: evil } as unknown as NormalizedNode;
    expect(() => nodeUpserts('t', [role, bad], 'c', AT)).toThrow(StorageError);
    expect(() => nodeUpserts('t', [role, bad], 'c', AT)).toThrow(/not one of NODE_TYPES/);
    expect(() => nodeList('t', { nodeType: evil as never, limit: 1 })).toThrow(/not one of NODE_TYPES/);
  });

  it('rejects an edge type that is not in EDGE_TYPES before building a statement', () => {
    const bad = { ...hasRole, edgeType: 'HAS_ROLE]->() DETACH DELETE x //' } as unknown as NormalizedEdge;
    expect(() => edgeUpserts('t', [hasRole, bad], 'c', AT)).toThrow(/not one of EDGE_TYPES/);
    expect(() => edgeRemovals('t', ['e'], ['CALLS', 'X' as never], AT)).toThrow(/not one of EDGE_TYPES/);
  });

  it('path queries repeat the checks zod made, since types and depth are written into the text', () => {
    const valid = PathQuery.parse({ startNodeType: 'identity', traverseEdgeTypes: ['CALLS'], maxDepth: 2 });
    expect(() => pathSearch('t', { ...valid, traverseEdgeTypes: ['CALLS', 'CALLS*]-() DETACH DELETE n //' as never] })).toThrow(/not one of EDGE_TYPES/);
    expect(() => pathSearch('t', { ...valid, maxDepth: 11 })).toThrow(/maxDepth/);
    expect(() => pathSearch('t', { ...valid, maxDepth: '2] DETACH' as never })).toThrow(/maxDepth/);
    expect(() => pathSearch('t', { ...valid, startNodeType: evil as never })).toThrow(/not one of NODE_TYPES/);
  });

  it('rejects filter keys that are not plain identifiers', () => {
    expect(() => nodeList('t', { filters: { 'x = 1 OR true //': 1 }, limit: 1 })).toThrow(/not a plain identifier/);
  });
});

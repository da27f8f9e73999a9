import { describe, expect, it } from 'vitest';
import { PathQuery } from '../../../src/model/index.ts';
import type { NormalizedNode } from '../../../src/model/index.ts';
import { StorageError } from '../../../src/storage/errors.ts';
import { asOfTime, edgesForNodeAsOf, nodeListAsOf, nodesAsOf } from '../../../src/storage/neo4j/as-of-statements.ts';
import { historyTypeFor } from '../../../src/storage/neo4j/labels.ts';
import { asOfExpansionStep } from '../../../src/storage/neo4j/path-expansion.ts';
import { edgesForNode, nodeUpserts, tombstoneEdgeRemovals } from '../../../src/storage/neo4j/statements.ts';

// Reads as of a moment and the history writes, checked without a database (snapshots of text and
// parameters, as statements.test.ts does for the current graph).

const AS_OF = '2026-02-01T00:00:00.000Z';

const tombstone: NormalizedNode = {
  nodeId: 'entra_id:contoso:sp-9',
  nodeType: 'identity',
  sourceSystem: 'entra_id',
  sourceScope: 'contoso',
  sourceId: 'sp-9',
  displayName: 'Gone',
  status: 'deleted',
  deletedAt: '2026-01-20T00:00:00.000Z',
  properties: { identitySubtype: 'service_principal', executionMode: 'autonomous', ownershipState: 'orphaned' },
};

describe('Neo4j statements as of a moment', () => {
  it('walks one level of an anchored chain search back in time: allowed types and their history types, each hop valid then', () => {
    const query = PathQuery.parse({
      startNodeId: 'entra_id:contoso:sp-1',
      startNodeType: 'identity',
      traverseEdgeTypes: ['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS', 'RUNS_AS'],
      endNodeType: 'automation',
      direction: 'incoming',
      maxDepth: 8,
    });
    expect(asOfExpansionStep('tenant-a', query, ['entra_id:contoso:sp-1'], false, AS_OF)).toMatchInlineSnapshot(`
      {
        "params": {
          "asOf": "2026-02-01T00:00:00.000Z",
          "nodeIds": [
            "entra_id:contoso:sp-1",
          ],
          "tenantId": "tenant-a",
        },
        "text": "UNWIND $nodeIds AS nodeId
      MATCH (:Node {tenantId: $tenantId, nodeId: nodeId})<-[r:CALLS|HIST_CALLS|INVOKES|HIST_INVOKES|USES|HIST_USES|AUTHENTICATES_AS|HIST_AUTHENTICATES_AS|RUNS_AS|HIST_RUNS_AS]-(next:Node)
      WHERE r.tenantId = $tenantId AND r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)
        AND next.tenantId = $tenantId
      WITH next, collect([nodeId, r.json]) AS via
      WITH next, via, CASE WHEN next.validFrom <= $asOf THEN next ELSE COLLECT {
        MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: next.nodeId})
        WHERE v.validFrom <= $asOf AND $asOf < v.validTo
        RETURN v
      }[0] END AS state
      WHERE state.json IS NOT NULL AND state.deletedAt IS NULL
      WITH collect({nodeId: next.nodeId, json: state.json, via: via}) AS reached
      CALL { WITH reached UNWIND reached AS x UNWIND x.via AS step RETURN collect([step[0], x.nodeId, step[1]]) AS steps }
      RETURN steps, [x IN reached | x.json] AS nodes",
      }
    `);
    const last = asOfExpansionStep('tenant-a', query, ['x'], true, AS_OF);
    expect(last.text).toContain('WHERE state.json IS NOT NULL AND state.deletedAt IS NULL\n  AND state.nodeType = $endNodeType');
    expect(last.params).toMatchObject({ endNodeType: 'automation', asOf: AS_OF });
    expect(asOfExpansionStep('t', { ...query, direction: 'outgoing' }, ['x'], false, AS_OF).text).toContain('-[r:CALLS|HIST_CALLS|');
  });

  it('lists nodes of a type as of a moment: current rows that began by then and archived versions valid then', () => {
    expect(nodeListAsOf('tenant-a', { nodeType: 'automation', filters: { automationSubtype: ['business_rule'] } }, AS_OF)).toMatchInlineSnapshot(`
      {
        "params": {
          "after": null,
          "asOf": "2026-02-01T00:00:00.000Z",
          "f0": [
            "business_rule",
          ],
          "includeDeleted": false,
          "nodeType": "automation",
          "tenantId": "tenant-a",
        },
        "text": "CALL {
        MATCH (n:Automation {tenantId: $tenantId})
        WHERE n.validFrom <= $asOf AND ($after IS NULL OR n.nodeId > $after)
        RETURN n
        UNION ALL
        MATCH (n:NodeVersion {tenantId: $tenantId})
        WHERE n.validFrom <= $asOf AND $asOf < n.validTo AND ($after IS NULL OR n.nodeId > $after)
          AND ($nodeType IS NULL OR n.nodeType = $nodeType)
        RETURN n
      }
      WITH n
      WHERE n.json IS NOT NULL
        AND ($includeDeleted OR n.deletedAt IS NULL)
        AND n.p_automationSubtype IN $f0
      RETURN n.json AS json
      ORDER BY n.nodeId",
      }
    `);
    const page = nodeListAsOf('t', { includeDeleted: true, after: 'a', limit: 11 }, AS_OF);
    expect(page.text).toMatch(/MATCH \(n:Node \{tenantId: \$tenantId\}\)[\s\S]*ORDER BY n\.nodeId\nLIMIT \$limit$/);
    expect(page.params).toMatchObject({ nodeType: null, includeDeleted: true, after: 'a' });
  });

  it('reads nodes by id as of a moment, falling back to the one archived version valid then', () => {
    expect(nodesAsOf('t', ['a', 'b', 'a'], AS_OF)).toMatchInlineSnapshot(`
      {
        "params": {
          "asOf": "2026-02-01T00:00:00.000Z",
          "nodeIds": [
            "a",
            "b",
          ],
          "tenantId": "t",
        },
        "text": "UNWIND $nodeIds AS nodeId
      OPTIONAL MATCH (n:Node {tenantId: $tenantId, nodeId: nodeId})
      WITH nodeId, CASE WHEN n.validFrom <= $asOf THEN n.json END AS current
      RETURN nodeId, coalesce(current, COLLECT {
        MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: nodeId})
        WHERE v.validFrom <= $asOf AND $asOf < v.validTo
        RETURN v.json
      }[0]) AS json",
      }
    `);
  });

  it('reads a node’s edges over every type and history type as of a moment, current types only without one', () => {
    const past = edgesForNodeAsOf('t', 'n', 'outgoing', AS_OF);
    expect(past.text.split('\n')[0]).toMatch(/^MATCH \(:Node \{tenantId: \$tenantId, nodeId: \$nodeId\}\)-\[r:OWNED_BY\|HIST_OWNED_BY\|HAS_ROLE\|HIST_HAS_ROLE\|.*\|AUTHENTICATES_AS\|HIST_AUTHENTICATES_AS\]->\(\)$/);
    expect(past.text).toContain('r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)');
    expect(past.params).toEqual({ tenantId: 't', nodeId: 'n', asOf: AS_OF });
    const now = edgesForNode('t', 'n', 'incoming');
    expect(now.text.split('\n')[0]).toMatch(/^MATCH \(:Node \{tenantId: \$tenantId, nodeId: \$nodeId\}\)<-\[r:OWNED_BY\|HAS_ROLE\|.*\|AUTHENTICATES_AS\]-\(\)$/);
    expect(now.text).not.toContain('HIST_');
    expect(() => edgesForNodeAsOf('t', 'n', 'sideways' as never, AS_OF)).toThrow(/direction/);
  });

  it('tombstones carry a hash for history alone, and drop their edges type by type, archiving each', () => {
    const [upsert] = nodeUpserts('t', [tombstone], 'entra', AS_OF);
    const props = (upsert!.params.rows as { props: Record<string, unknown> }[])[0]!.props;
    expect(props.contentHash).toBeUndefined();
    expect(props.tombstoneHash).toEqual(expect.any(String));
    const drops = tombstoneEdgeRemovals('t', [tombstone], AS_OF);
    expect(drops).toHaveLength(17);
    expect(drops[0]).toMatchInlineSnapshot(`
      {
        "params": {
          "at": "2026-02-01T00:00:00.000Z",
          "nodeIds": [
            "entra_id:contoso:sp-9",
          ],
          "tenantId": "t",
        },
        "text": "UNWIND $nodeIds AS nodeId
      MATCH (:Node {tenantId: $tenantId, nodeId: nodeId})-[r:OWNED_BY]-()
      WHERE r.tenantId = $tenantId
      WITH DISTINCT r
      WITH r, startNode(r) AS a, endNode(r) AS b
      FOREACH (_ IN CASE WHEN r.validFrom < $at THEN [1] ELSE [] END |
        CREATE (a)-[h:HIST_OWNED_BY]->(b)
        SET h = properties(r), h.validTo = $at
      )
      DELETE r",
      }
    `);
    expect(tombstoneEdgeRemovals('t', [{ ...tombstone, deletedAt: undefined, status: 'active' } as NormalizedNode], AS_OF)).toEqual([]);
  });
});

describe('asOf and history types outside what is allowed', () => {
  it('accepts ISO timestamps only, normalized to the stored format', () => {
    expect(asOfTime('2026-02-01T01:00:00+01:00')).toBe(AS_OF);
    for (const bad of ['yesterday', '2026-02-01', "2026-02-01T00:00:00Z' OR true //", '']) {
      expect(() => asOfTime(bad)).toThrow(StorageError);
    }
  });

  it('derives history types from EDGE_TYPES only', () => {
    expect(historyTypeFor('CALLS')).toBe('HIST_CALLS');
    expect(() => historyTypeFor('CALLS]->() DETACH DELETE n //')).toThrow(/not one of EDGE_TYPES/);
    const query = PathQuery.parse({ startNodeType: 'identity', traverseEdgeTypes: ['CALLS'], maxDepth: 2 });
    expect(() => asOfExpansionStep('t', { ...query, traverseEdgeTypes: ['HIST_CALLS' as never] }, ['x'], false, AS_OF)).toThrow(/not one of EDGE_TYPES/);
    expect(() => asOfExpansionStep('t', { ...query, endNodeType: 'Role) DETACH DELETE (n' as never }, ['x'], true, AS_OF)).toThrow(/not one of NODE_TYPES/);
  });
});

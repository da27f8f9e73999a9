import { describe, expect, it } from 'vitest';
import { addHashLists, edgeHashesStatement } from '../../../src/storage/neo4j/hash-pairs.ts';
import { EDGE_TYPES, edgeContentHash, plainEdgeHash } from '../../../src/model/index.ts';

describe('addHashLists', () => {
  it("pairs the ids with the hashes in order, any id as it is, and shares the plain edges' hash", () => {
    const into = new Map<string, string>([['kept', 'h0']]);
    // A hash read from the wire is a string of its own, equal to the plain one but not it.
    const plainFromWire = [...plainEdgeHash()].join('');
    addHashLists(into, ['plain edge', 'with  spaces ', ' leading', 'two\nlines'], [plainFromWire, 'h2', 'h3', 'h4']);
    expect([...into]).toEqual([
      ['kept', 'h0'],
      ['plain edge', plainEdgeHash()],
      ['with  spaces ', 'h2'],
      [' leading', 'h3'],
      ['two\nlines', 'h4'],
    ]);
    expect(plainEdgeHash()).toBe(edgeContentHash({ edgeId: 'x', edgeType: 'USES', sourceNodeId: 'a', targetNodeId: 'b', properties: {} }));
  });

  it('adds nothing for an empty answer, and refuses lists of different lengths', () => {
    const into = new Map<string, string>();
    addHashLists(into, [], []);
    expect(into.size).toBe(0);
    expect(() => addHashLists(into, ['a', 'b'], ['h1'])).toThrow(/2 ids but 1 hashes/);
  });
});

describe('edgeHashesStatement', () => {
  it('reads every relationship type through its connector index, in one statement', () => {
    const text = edgeHashesStatement();
    expect(text.split('UNION ALL')).toHaveLength(EDGE_TYPES.length);
    for (const type of EDGE_TYPES) expect(text).toContain(`USING INDEX r:${type}(tenantId, connectorId, edgeId, contentHash)`);
  });
});

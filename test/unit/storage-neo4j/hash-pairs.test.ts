import { describe, expect, it } from 'vitest';
import { addHashPairs, edgeHashesStatement } from '../../../src/storage/neo4j/hash-pairs.ts';
import { EDGE_TYPES } from '../../../src/model/index.ts';

describe('addHashPairs', () => {
  it('splits each row at its first space: the hash before, the whole id after', () => {
    const into = new Map<string, string>([['kept', 'h0']]);
    addHashPairs(into, ['h1 plain', 'h2 with  spaces ', 'h3  leading', 'h4 two\nlines', 'h5 trailing\n']);
    expect([...into]).toEqual([
      ['kept', 'h0'],
      ['plain', 'h1'],
      ['with  spaces ', 'h2'],
      [' leading', 'h3'],
      ['two\nlines', 'h4'],
      ['trailing\n', 'h5'],
    ]);
  });

  it('adds nothing for an empty answer', () => {
    const into = new Map<string, string>();
    addHashPairs(into, []);
    expect(into.size).toBe(0);
  });
});

describe('edgeHashesStatement', () => {
  it('reads every relationship type through its connector index, in one statement', () => {
    const text = edgeHashesStatement();
    expect(text.split('UNION ALL')).toHaveLength(EDGE_TYPES.length);
    for (const type of EDGE_TYPES) expect(text).toContain(`USING INDEX r:${type}(tenantId, connectorId, edgeId, contentHash)`);
  });
});

import { describe, expect, it } from 'vitest';
import { makeEdgeId } from '../../../src/model/index.ts';
import { edgeTypeHint } from '../../../src/storage/neo4j/edge-removal.ts';

describe('edge type hints for removal by id', () => {
  it('reads the type from ids made by makeEdgeId, longest type first', () => {
    expect(edgeTypeHint(makeEdgeId('AUTHENTICATES_AS', 'a', 'b'))).toBe('AUTHENTICATES_AS');
    expect(edgeTypeHint(makeEdgeId('AUTHENTICATES_TO', 'a', 'b'))).toBe('AUTHENTICATES_TO');
    expect(edgeTypeHint('CALLS:cycle')).toBe('CALLS');
  });

  it('gives no hint for ids that do not start with a type (every type is tried for those)', () => {
    expect(edgeTypeHint('edge-17')).toBeUndefined();
    expect(edgeTypeHint('CALLSX:1')).toBeUndefined();
    expect(edgeTypeHint('calls:1')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { NormalizedEdge } from '../../../src/model/index.ts';
import { edgeBody, edgeFromRow } from '../../../src/storage/sqlite/edge-rows.ts';

const plain = NormalizedEdge.parse({
  edgeId: 'USES:ab"c\u2028',
  edgeType: 'USES',
  sourceNodeId: 'servicenow:dev1:conn-1',
  targetNodeId: 'servicenow:dev1:cred-1',
  properties: { note: 'quote " and \\ backslash' },
});
const bounded = NormalizedEdge.parse({ ...plain, since: '2026-01-01T00:00:00.000Z', until: '2026-06-01T00:00:00.000Z' });
const columns = (edge: NormalizedEdge) => ({ edge_id: edge.edgeId, edge_type: edge.edgeType, source_id: edge.sourceNodeId, target_id: edge.targetNodeId });

describe('edge rows', () => {
  it('keep only since, until and properties in the JSON, and read back the edge with its fields in the schema order', () => {
    for (const edge of [plain, bounded, NormalizedEdge.parse({ ...plain, since: '2026-02-01T00:00:00.000Z' })]) {
      const json = edgeBody(edge);
      expect(Object.keys(JSON.parse(json) as object).sort()).toEqual(['properties', ...(edge.since ? ['since'] : []), ...(edge.until ? ['until'] : [])].sort());
      const read = edgeFromRow({ ...columns(edge), json });
      expect(read).toEqual(edge);
      expect(JSON.stringify(read)).toBe(JSON.stringify(edge));
    }
  });

  it('read a row written whole (before schema 4) as the same edge', () => {
    for (const edge of [plain, bounded]) expect(edgeFromRow({ ...columns(edge), json: JSON.stringify(edge) })).toEqual(edge);
  });
});

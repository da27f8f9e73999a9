import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeclaration, checkEmittedTypes } from '../../../src/connector/conformance.ts';
import { CONNECTOR_TYPES } from '../../../src/sync/registry.ts';
import { startDemoSources } from '../../../src/sync/demo-sources.ts';
import type { DemoSources } from '../../../src/sync/demo-sources.ts';
import { FIXED_NOW } from '../../support/connectors-fixtures.ts';

// Every registered connector against its happy-path fixture (the demo config names one instance
// of each): the declaration is well formed and the declared entity and relationship types are
// exactly those its own transform emits. A fourth source passes this by adding its folder, its
// fixtures, one registry line and one demo instance.
let demo: DemoSources;
beforeAll(async () => {
  demo = await startDemoSources({ now: () => FIXED_NOW });
});
afterAll(async () => demo.close());

describe.each(Object.entries(CONNECTOR_TYPES))('connector conformance: %s', (type, connector) => {
  it('has a well-formed declaration', () => {
    expect(checkDeclaration(connector)).toEqual([]);
  });

  it('emits exactly the types it declares', async () => {
    const instance = demo.instances.find((i) => i.connector === connector);
    expect(instance, `fixtures/demo/connectors.json has no ${type} instance`).toBeDefined();
    const raw = await connector.extract(instance!.config, { syncId: `conformance-${type}`, syncMode: 'full' });
    const graph = await connector.transform(raw);
    expect(checkEmittedTypes(connector, [graph])).toEqual([]);
  });
});

describe('conformance helpers', () => {
  it('name what is declared but never emitted, and what is emitted undeclared', () => {
    const [, connector] = Object.entries(CONNECTOR_TYPES)[0]!;
    const liar = { ...connector, entityTypes: connector.entityTypes.filter((t) => t !== 'credential'), relationshipTypes: [...connector.relationshipTypes, 'DELEGATES_TO' as const] };
    const graph = { syncId: 's', connectorId: 'c', tenantId: 't', transformedAt: FIXED_NOW.toISOString(), temporalMarkers: [], evidenceCompleteness: { sources: {} }, nodes: [], edges: [] };
    const credential = { nodeId: 'x:y:1', nodeType: 'credential' as const, sourceSystem: connector.sourceSystem, sourceScope: 'y', sourceId: '1', displayName: 'c', status: 'active' as const, properties: { credentialSubtype: 'pat' as const } };
    const checks = checkEmittedTypes(liar, [{ ...graph, nodes: [credential] }]).map((i) => i.check);
    expect(checks).toContain('undeclared_type');
    expect(checks).toContain('never_emitted');
    expect(checkDeclaration({ ...connector, id: 'Bad Id', supportsIncremental: !connector.supportsIncremental }).map((i) => i.check)).toEqual(['declaration', 'declaration']);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataSchemaUri, readCloudEventHeaders } from '../../../src/events/cloudevents.ts';
import type { Envelope } from '../../../src/events/envelope.ts';
import { PUBLISHED_SCHEMAS, jsonSchemaFileText } from '../../../src/events/json-schemas.ts';
import { outboxMessagesForSync } from '../../../src/events/outbox-messages.ts';
import type { GraphEvent, SyncState } from '../../../src/model/index.ts';
import { SCHEMAS_DIR, publishedSchemaFiles, publishedValidators } from '../../support/json-schemas.ts';

const sync: SyncState = {
  syncId: 'sync-1',
  tenantId: 'acme corp',
  connectorId: 'entra_id',
  mode: 'full',
  status: 'completed',
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: '2026-01-01T00:01:00.000Z',
  errors: [],
};
const nodeEvent: GraphEvent = {
  eventId: 'evt-1',
  tenantId: 'acme corp',
  timestamp: '2026-01-01T00:00:30.000Z',
  entityType: 'identity',
  entityId: 'entra_id:t:sp-1',
  eventType: 'created',
  beforeState: null,
  afterState: { displayName: 'payroll-sync' },
  sourceConnector: 'entra_id',
  syncId: 'sync-1',
  sequence: 0,
};
const edgeEvent: GraphEvent = {
  ...nodeEvent,
  eventId: 'evt-2',
  eventType: 'relationship_added',
  relationshipType: 'HAS_ROLE',
  targetEntityId: 'entra_id:t:role-1',
  edgeId: 'HAS_ROLE:entra_id:t:sp-1->entra_id:t:role-1',
  sequence: 1,
};

describe('CloudEvents headers on outbox rows', () => {
  const [created, added, completed] = outboxMessagesForSync([nodeEvent, edgeEvent], sync, '2026-01-01T00:01:00.000Z');

  it('carry the binary-mode context attributes, derived from the envelope, and nothing the envelope says twice', () => {
    expect(created!.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'evt-1',
      ce_source: '/authgraph/tenants/acme%20corp/sources/entra_id',
      ce_type: 'authgraph.graph.created',
      'content-type': 'application/json',
    });
    expect(added!.headers).toMatchObject({ ce_type: 'authgraph.graph.relationship_added', ce_id: 'evt-2' });
    expect(completed!.headers).toMatchObject({ ce_type: 'authgraph.sync.completed', ce_source: '/authgraph/tenants/acme%20corp/sources/entra_id' });
    expect(completed!.headers.ce_id).toBe(JSON.parse(completed!.payload).eventId);
    // What the headers no longer carry is in the value, once.
    const envelope = JSON.parse(created!.payload) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      eventId: 'evt-1',
      occurredAt: '2026-01-01T00:00:30.000Z',
      schemaVersion: 2,
      kind: 'graph_event',
      event: { entityId: 'entra_id:t:sp-1' },
    });
    expect(Object.keys(envelope.event as object)).not.toContain('eventId');
  });

  it('are what a consumer reads back, and a message without them reads as none', () => {
    const read = readCloudEventHeaders(created!.headers);
    expect(read.success && read.data.ce_id).toBe('evt-1');
    expect(readCloudEventHeaders({ 'x-event-id': 'evt-1' }).success).toBe(false);
    expect(readCloudEventHeaders({ ...created!.headers, ce_specversion: '0.3' }).success).toBe(false);
    // A message written before issue 17, with the optional attributes and the x-* headers, still reads.
    const older = {
      ...created!.headers,
      ce_time: '2026-01-01T00:00:30.000Z',
      ce_subject: 'entra_id:t:sp-1',
      ce_dataschema: 'urn:authgraph:schema:graph-event:v2',
      'x-event-id': 'evt-1',
    };
    expect(readCloudEventHeaders(older).success).toBe(true);
    expect(readCloudEventHeaders({ ...older, ce_time: 'yesterday' }).success).toBe(false);
  });

  it('and the payloads validate against the published schemas (Ajv over the checked-in files)', () => {
    const validators = publishedValidators();
    for (const row of [created!, added!, completed!]) {
      const headers = validators.get('urn:authgraph:schema:cloudevents-kafka-headers')!;
      expect(headers(row.headers), JSON.stringify(headers.errors)).toBe(true);
      // The value's schema follows from what the value says (kind, schemaVersion), as a consumer finds it.
      const envelope = JSON.parse(row.payload) as { kind: Envelope['kind']; schemaVersion: number };
      const value = validators.get(dataSchemaUri(envelope.kind, envelope.schemaVersion))!;
      expect(value(envelope), JSON.stringify(value.errors)).toBe(true);
    }
    // The schemas reject what the model rejects: a graph event without its event.
    const { event: _dropped, ...noEvent } = JSON.parse(created!.payload) as Record<string, unknown>;
    expect(validators.get('urn:authgraph:schema:graph-event:v2')!(noEvent)).toBe(false);
  });
});

describe('published JSON Schemas (schemas/)', () => {
  it('are exactly what the zod model generates (run `npm run schemas` after changing the model)', () => {
    expect(publishedSchemaFiles().sort()).toEqual(PUBLISHED_SCHEMAS.map((p) => p.file).sort());
    for (const published of PUBLISHED_SCHEMAS) {
      expect(readFileSync(`${SCHEMAS_DIR}${published.file}`, 'utf8'), published.file).toBe(jsonSchemaFileText(published));
    }
  });
});

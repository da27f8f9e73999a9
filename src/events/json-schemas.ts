import { z } from 'zod';
import { JsonValue } from '../model/index.ts';
import { CloudEventHeaders, dataSchemaUri } from './cloudevents.ts';
import { ENVELOPE_VERSION, FindingEnvelope, GraphEventEnvelope, SyncCompletedEnvelope } from './envelope.ts';
import { TOPICS } from './topics.ts';

// The JSON Schemas published under schemas/, generated from the zod envelopes (the single source
// of truth) with zod's own JSON Schema support. `npm run schemas` rewrites the files; a test fails
// when the checked-in files differ from what the model generates, and validates what the relay
// actually sends against the files.

export interface PublishedSchema {
  file: string;
  id: string;
  title: string;
  description: string;
  schema: z.ZodType;
}

export const PUBLISHED_SCHEMAS: readonly PublishedSchema[] = [
  {
    file: `graph-event.v${ENVELOPE_VERSION}.json`,
    id: dataSchemaUri('graph_event', ENVELOPE_VERSION),
    title: 'Authgraph graph event',
    description: `Message value on ${TOPICS.graphEvents}: one node or edge change seen by a sync.`,
    schema: GraphEventEnvelope,
  },
  {
    file: `sync-completed.v${ENVELOPE_VERSION}.json`,
    id: dataSchemaUri('sync_completed', ENVELOPE_VERSION),
    title: 'Authgraph sync completed',
    description: `Message value on ${TOPICS.syncsCompleted}: a connector sync's record, after its events.`,
    schema: SyncCompletedEnvelope,
  },
  {
    file: `drift-finding.v${ENVELOPE_VERSION}.json`,
    id: dataSchemaUri('drift_finding', ENVELOPE_VERSION),
    title: 'Authgraph drift finding',
    description: `Message value on ${TOPICS.driftFindings}: a change in who can run as what between two moments.`,
    schema: FindingEnvelope,
  },
  {
    file: 'cloudevents-kafka-headers.json',
    id: 'urn:authgraph:schema:cloudevents-kafka-headers',
    title: 'CloudEvents 1.0 Kafka headers (binary mode)',
    description: 'Headers every Authgraph Kafka message carries; the value is the event data (one of the envelopes).',
    schema: CloudEventHeaders,
  },
];

/** Names for the shared, recursive parts, so the files say `#/$defs/JsonValue`, not `__schema0`. */
const definitions = z.registry<{ id: string }>();
definitions.add(JsonValue, { id: 'JsonValue' });

export function jsonSchemaOf(published: PublishedSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(published.schema, { io: 'output', target: 'draft-2020-12', metadata: definitions });
  const { $schema, ...rest } = generated;
  return { $schema, $id: published.id, title: published.title, description: published.description, ...rest };
}

/** The text of a schema file: stable key order, two-space indent, final newline. */
export function jsonSchemaFileText(published: PublishedSchema): string {
  return `${JSON.stringify(jsonSchemaOf(published), null, 2)}\n`;
}

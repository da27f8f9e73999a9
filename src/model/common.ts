import { z } from 'zod';

// ISO-8601 timestamps with an offset; kept as strings end to end so hashing, JSON, Kafka and
// Neo4j all see the same text.
export const DateTime = z.iso.datetime({ offset: true });
export type DateTime = z.infer<typeof DateTime>;

// Property values that survive a JSON round trip (events, Kafka payloads, Neo4j JSON columns).
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);
export const JsonObject = z.record(z.string(), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

export const NonEmpty = z.string().min(1);

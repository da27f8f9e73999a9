import { z } from 'zod';
import { MAX_JSON_DEPTH, findTooDeep, tooDeepMessage } from './json-depth.ts';

// ISO-8601 timestamps with an offset; kept as strings end to end so hashing, JSON, Kafka and
// Neo4j all see the same text.
export const DateTime = z.iso.datetime({ offset: true });
export type DateTime = z.infer<typeof DateTime>;

// Property values that survive a JSON round trip (events, Kafka payloads, Neo4j JSON columns).
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const JsonTree: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonTree), z.record(z.string(), JsonTree)]),
);
/**
 * Depth-capped (json-depth.ts): measured iteratively first, so a value nested 50,000 deep is
 * refused with its path instead of overflowing the stack in the recursive schema below.
 */
export const JsonValue: z.ZodType<JsonValue> = z
  .unknown()
  .superRefine((value, ctx) => {
    const deep = findTooDeep(value, MAX_JSON_DEPTH);
    if (deep) ctx.addIssue({ code: 'custom', path: deep.path, message: tooDeepMessage(deep.limit) });
  })
  .pipe(JsonTree) as unknown as z.ZodType<JsonValue>;
export const JsonObject = z.record(z.string(), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

export const NonEmpty = z.string().min(1);

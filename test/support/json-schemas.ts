import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The checked-in JSON Schemas (schemas/), compiled by an independent validator (Ajv), so a test
// checks messages against the published files and not against the zod model they came from.

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function publishedSchemaFiles(): string[] {
  return readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'));
}

export function publishedValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  const byId = new Map<string, ValidateFunction>();
  for (const file of publishedSchemaFiles()) {
    const schema = JSON.parse(readFileSync(`${SCHEMAS_DIR}${file}`, 'utf8')) as { $id: string };
    byId.set(schema.$id, ajv.compile(schema));
  }
  return byId;
}

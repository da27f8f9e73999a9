// Writes the JSON Schemas of every Kafka message kind to schemas/ (npm run schemas).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHED_SCHEMAS, jsonSchemaFileText } from '../src/events/json-schemas.ts';

const dir = join(import.meta.dirname, '..', 'schemas');
for (const published of PUBLISHED_SCHEMAS) {
  writeFileSync(join(dir, published.file), jsonSchemaFileText(published));
  console.log(`schemas/${published.file}`);
}

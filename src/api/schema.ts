import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphql } from './graphql.ts';
import type { DocumentNode } from 'graphql';

const { parse } = graphql;

/** The API contract (DESIGN decision 7: schema-first), read from the top-level schema.graphql. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export const typeDefs: DocumentNode = parse(readFileSync(SCHEMA_PATH, 'utf8'));

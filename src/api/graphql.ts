import { createRequire } from 'node:module';
import type * as GraphQLModule from 'graphql';

/**
 * graphql-js, loaded the way @apollo/server loads it. graphql 16 ships both index.js (CommonJS,
 * what Node picks for a bare `graphql` import) and index.mjs (what bundlers and vitest pick from
 * its `module` field). Two copies in one process break its instanceof checks ("Cannot use
 * GraphQLObjectType from another module or realm"), so the API takes the one Apollo uses.
 * Types still come from `import type … from 'graphql'`.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQLModule;

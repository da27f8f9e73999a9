import { EDGE_TYPES, NODE_TYPES } from '../../model/index.ts';
import { StorageError } from '../errors.ts';
import { render, statementsOf } from './cypher-files.ts';
import type { Executor } from './Executor.ts';
import { NODE_TYPE_LABELS } from './labels.ts';

const snake = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** Every schema statement (cypher/schema/*.cypher), per-label and per-type ones expanded. */
export function schemaStatements(): string[] {
  return [
    ...statementsOf(render('schemaNodes')),
    ...NODE_TYPES.flatMap((type) => {
      const label = NODE_TYPE_LABELS[type];
      return statementsOf(render('schemaNodeLabel', { LABEL: label, INDEX_NAME: `node_${snake(label)}_key` }));
    }),
    ...EDGE_TYPES.flatMap((type) =>
      statementsOf(
        render('schemaEdgeType', {
          TYPE: type,
          KEY_NAME: `edge_${type.toLowerCase()}_key`,
          CONNECTOR_INDEX_NAME: `edge_${type.toLowerCase()}_connector_hash`,
          OLD_CONNECTOR_INDEX_NAME: `edge_${type.toLowerCase()}_connector`,
        }),
      ),
    ),
    ...statementsOf(render('schemaEvents')),
    ...statementsOf(render('schemaSyncStates')),
    ...statementsOf(render('schemaOutbox')),
    ...statementsOf(render('schemaHistory')),
    ...statementsOf(render('schemaTenantHomes')),
  ];
}

// Two processes starting at once (test workers) may race to create the same constraint; the
// loser sees "already exists" although it asked IF NOT EXISTS. Running again settles it.
const RACE_CODES = new Set([
  'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists',
  'Neo.ClientError.Schema.ConstraintAlreadyExists',
  'Neo.ClientError.Schema.IndexAlreadyExists',
  'Neo.ClientError.Schema.ConstraintWithNameAlreadyExists',
  'Neo.ClientError.Schema.IndexWithNameAlreadyExists',
]);

const raceLost = (error: unknown) => {
  const cause = error instanceof StorageError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (RACE_CODES.has(code) || code.startsWith('Neo.TransientError.'));
};

/** Create constraints and indexes that are missing (IF NOT EXISTS: safe to run on every start). */
export async function applySchema(executor: Executor, statements = schemaStatements()): Promise<void> {
  for (const statement of statements) {
    for (let attempt = 1; ; attempt++) {
      try {
        await executor.autoCommit({ operation: 'schema' }, statement);
        break;
      } catch (error) {
        if (attempt >= 5 || !raceLost(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
  await executor.autoCommit({ operation: 'schema.await' }, render('schemaAwait'));
}

import { readFileSync } from 'node:fs';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { MAX_JSON_DEPTH, findSecrets, findTooDeep, formatPath, tooDeepMessage } from '../model/index.ts';
import { parseConnectorConfig, RateLimitConfigSchema } from '../connector/config.ts';
import { FatalConnectorError } from '../connector/errors.ts';
import { CONNECTOR_TYPES } from './registry.ts';
import type { ConnectorTypeName } from './registry.ts';
import type { Connector, ConnectorConfig, ConnectorRuntime } from '../connector/types.ts';

// The connectors config file: which connector instances a tenant runs, with base URLs and
// secret *names*. Secret values are never written here: a string where a secret belongs is
// rejected with a message that shows the reference to write instead.

const typeNames = Object.keys(CONNECTOR_TYPES) as [ConnectorTypeName, ...ConnectorTypeName[]];

export const ConnectorInstanceConfig = z
  .object({
    connectorId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'connectorId: lower-case letters, digits, "-" and "_" (it names the stored graph)'),
    type: z.enum(typeNames, { error: `type must be one of: ${typeNames.join(', ')}` }),
    enabled: z.boolean().default(true),
    credentials: z.object({ type: z.string() }).catchall(z.unknown()),
    sourceConfig: z.record(z.string(), z.unknown()).default({}),
    syncMode: z.enum(['full', 'incremental']).default('full'),
    timeout: z.number().int().positive().default(3600),
    rateLimitConfig: RateLimitConfigSchema.optional(),
    apiCallTimeoutMs: z.number().int().positive().optional(),
    maxPartialErrors: z.number().int().nonnegative().optional(),
    /**
     * Cron expression for `authgraph schedule` (5 fields, or 6 with seconds). Checked wherever the
     * config is read (sync, serve, schedule), so a typo is found before the day it should fire.
     */
    schedule: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        try {
          CronExpressionParser.parse(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `invalid cron schedule "${value}": ${(error as Error).message}` });
        }
      })
      .optional(),
  })
  .strict()
  .superRefine(rejectInlineSecrets);
export type ConnectorInstanceConfig = z.infer<typeof ConnectorInstanceConfig>;

export const ConnectorsConfigFile = z
  .object({
    $schema: z.string().optional(),
    tenantId: z.string().min(1),
    /** Default file for `{ "key": … }` secret references. */
    secretsFile: z.string().optional(),
    connectors: z.array(ConnectorInstanceConfig).min(1, 'list at least one connector'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.connectors.forEach((c, i) => {
      if (seen.has(c.connectorId)) ctx.addIssue({ code: 'custom', path: ['connectors', i, 'connectorId'], message: `duplicate connectorId ${c.connectorId}` });
      seen.add(c.connectorId);
    });
  });
export type ConnectorsConfigFile = z.infer<typeof ConnectorsConfigFile>;

/**
 * No secret anywhere in a connector entry (credentials, sourceConfig, at any depth): a
 * secret-named field with a value, or a value that looks like a credential (the one detector,
 * src/model/secrets.ts). The message shows the reference to write instead.
 */
function rejectInlineSecrets(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const { path, reason } of findSecrets(value)) {
    const field = String(path.at(-1));
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        reason === 'secret-named field'
          ? `${field} is a secret and must not be written in the config file; write { "env": "VAR_NAME" } (or { "file": "...", "key": "..." }) and provide the value at run time`
          : `this value ${reason} and must not be written in the config file; name it by { "env": "VAR_NAME" } (or { "file": "...", "key": "..." }) instead`,
    });
  }
}

/**
 * Parse a config file's text. `${NAME}` in strings is replaced from `vars` (e.g. the replay
 * server's URL for the demo); environment variables are deliberately not expanded, so a secret
 * can't be pulled into the config by accident.
 */
export function parseConnectorsConfig(text: string, vars: Record<string, string> = {}, where = 'connectors config'): ConnectorsConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new FatalConnectorError('CONFIG_ERROR', `${where} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  // Measured before the recursive expansion and schema walk below (no stack overflow on any input).
  const deep = findTooDeep(json, MAX_JSON_DEPTH);
  if (deep) throw new FatalConnectorError('CONFIG_ERROR', `${where}: invalid configuration\n  - ${formatPath(deep.path)}: ${tooDeepMessage(deep.limit)}`);
  const expanded = expand(json, vars);
  return parseConnectorConfig(ConnectorsConfigFile, expanded, where);
}

export function loadConnectorsConfig(path: string, vars: Record<string, string> = {}): ConnectorsConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FatalConnectorError('CONFIG_ERROR', `cannot read connectors config ${path}`, { cause });
  }
  return parseConnectorsConfig(text, vars, path);
}

function expand(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new FatalConnectorError('CONFIG_ERROR', `connectors config uses \${${name}} but no value was given for it`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, vars)]));
  return value;
}

export interface ConnectorInstance {
  connector: Connector;
  config: ConnectorConfig;
}

/** Enabled instances, each validated against its connector's own schema now rather than mid-sync. */
export function instancesFromConfig(file: ConnectorsConfigFile, runtime: ConnectorRuntime = {}): ConnectorInstance[] {
  return file.connectors
    .filter((c) => c.enabled)
    .map((c) => {
      const connector: Connector = CONNECTOR_TYPES[c.type];
      const config: ConnectorConfig = {
        tenantId: file.tenantId,
        connectorId: c.connectorId,
        credentials: c.credentials as ConnectorConfig['credentials'],
        sourceConfig: c.sourceConfig,
        syncMode: c.syncMode,
        timeout: c.timeout,
        ...(c.rateLimitConfig ? { rateLimitConfig: c.rateLimitConfig } : {}),
        ...(c.apiCallTimeoutMs ? { apiCallTimeoutMs: c.apiCallTimeoutMs } : {}),
        ...(c.maxPartialErrors !== undefined ? { maxPartialErrors: c.maxPartialErrors } : {}),
        runtime: { ...(file.secretsFile ? { secretsFile: file.secretsFile } : {}), ...runtime },
      };
      connector.validateConfig(config);
      return { connector, config };
    });
}

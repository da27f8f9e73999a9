import type { AuditAction } from '../audit/audit-envelope.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { LogFormat, Logger } from '../observability/logger.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

export interface CliContext {
  config: AppConfig;
  /** Opens the configured store on first use; closed by main when the command ends. */
  storage: () => Promise<StorageAdapter>;
  /** This run's audit trail (source CLI, one conversation), written to the store's outbox. */
  audit: () => Promise<AuditTrail>;
  /** Records a sensitive action; a failed audit write is reported on stderr, never fatal. */
  note: (action: AuditAction) => Promise<void>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The process's logger (stderr; --log-level / AUTHGRAPH_LOG_LEVEL). */
  log: Logger;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Long-running services log JSON lines for collectors; other commands log pretty text. */
  logFormat?: LogFormat;
  /** Returns the process exit code. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** A usage mistake: main prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function tenantOf(values: { tenant?: string | undefined }, ctx: CliContext): string {
  const tenant = values.tenant ?? ctx.config.AUTHGRAPH_TENANT;
  if (!tenant) throw new UsageError('name the tenant with --tenant or AUTHGRAPH_TENANT');
  return tenant;
}

export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number`);
  return n;
}

import { newAuditOrigin } from '../audit/audit-envelope.ts';
import { AuditTrail } from '../audit/audit-trail.ts';
import { loadAppConfig } from '../config/app-config.ts';
import { ValidationError } from '../model/index.ts';
import { UnknownAsOfError } from '../storage/as-of.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { LOG_LEVELS, createLogger } from '../observability/logger.ts';
import type { LogLevel } from '../observability/logger.ts';
import type { DestinationStream } from 'pino';
import { UsageError } from './command.ts';
import type { CliContext, Command } from './command.ts';
import { auditCommand } from './commands/audit.ts';
import { demoCommand } from './commands/demo.ts';
import { driftCommand } from './commands/drift.ts';
import { eventsCommand } from './commands/events.ts';
import { exportCommand } from './commands/export.ts';
import { loadCommand } from './commands/load.ts';
import { ownershipCommand } from './commands/ownership.ts';
import { pathsCommand } from './commands/paths.ts';
import { serveCommand } from './commands/serve.ts';
import { relayCommand } from './commands/relay.ts';
import { scheduleCommand } from './commands/schedule.ts';
import { syncCommand } from './commands/sync.ts';
import { syncsCommand } from './commands/syncs.ts';
import { verifyCommand } from './commands/verify.ts';

export const COMMANDS: Command[] = [demoCommand, loadCommand, syncCommand, scheduleCommand, relayCommand, serveCommand, driftCommand, eventsCommand, pathsCommand, ownershipCommand, syncsCommand, exportCommand, verifyCommand, auditCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return ['usage: authgraph <command> [options]', '', ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

/** `--log-level X` / `--log-level=X` anywhere on the line: a global option, taken out before the command parses. */
function takeLogLevel(argv: string[]): { level: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let level: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--log-level') level = argv[++i] ?? '';
    else if (arg.startsWith('--log-level=')) level = arg.slice('--log-level='.length);
    else rest.push(arg);
  }
  return { level, rest };
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where log lines go (stderr when absent). */
  logDestination?: DestinationStream;
}

export async function main(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  const { level, rest } = takeLogLevel(argv);
  const [name, ...args] = rest;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n\n${help()}` : help());
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  let storage: StorageAdapter | undefined;
  try {
    if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`--log-level is one of ${LOG_LEVELS.join(', ')}`);
    }
    const config = loadAppConfig();
    const open = async () => (storage ??= await openStorage(config));
    const origin = newAuditOrigin('CLI', `authgraph-cli ${command.name}`);
    const audit = async () => new AuditTrail(await open(), origin);
    const log = createLogger({
      level: (level as LogLevel | undefined) ?? config.AUTHGRAPH_LOG_LEVEL ?? 'info',
      format: config.AUTHGRAPH_LOG_FORMAT ?? command.logFormat ?? 'pretty',
      ...(io.logDestination ? { destination: io.logDestination } : {}),
    }).child({ command: command.name });
    const ctx: CliContext = {
      config,
      storage: open,
      audit,
      note: async (action) => {
        try {
          await (await audit()).record(action);
        } catch (error) {
          io.err(`audit record not written: ${(error as Error).message}`);
        }
      },
      out: io.out,
      err: io.err,
      log,
    };
    return await command.run(args, ctx);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\nusage: ${command.usage}`);
      return 2;
    }
    if (error instanceof ValidationError || error instanceof UnknownAsOfError) {
      io.err(error.message);
      return 1;
    }
    io.err(`authgraph ${command.name} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await storage?.close();
  }
}

// Run when executed directly (tsx src/cli/main.ts …), not when imported by tests.
/**
 * `authgraph events | head`: once the reader has what it wants it closes the pipe, and the next
 * write fails with EPIPE. That is the reader's choice, not a failure: stop quietly, as Unix tools do.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  exitQuietlyOnClosedPipe();
  process.exitCode = await main(process.argv.slice(2));
}

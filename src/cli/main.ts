import { newAuditOrigin } from '../audit/audit-envelope.ts';
import { AuditTrail } from '../audit/audit-trail.ts';
import { loadAppConfig } from '../config/app-config.ts';
import { ValidationError } from '../model/index.ts';
import { UnknownAsOfError } from '../storage/as-of.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
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

export async function main(argv: string[], io = { out: console.log, err: console.error }): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n\n${help()}` : help());
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  let storage: StorageAdapter | undefined;
  try {
    const config = loadAppConfig();
    const open = async () => (storage ??= await openStorage(config));
    const origin = newAuditOrigin('CLI', `authgraph-cli ${command.name}`);
    const audit = async () => new AuditTrail(await open(), origin);
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

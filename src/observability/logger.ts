import { pino } from 'pino';
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { redactSecrets } from '../model/index.ts';

// Structured logs (pino). One logger is made at the edge of the process (the CLI's main, a test)
// and handed down through options; no module keeps one of its own. Servers and relays write JSON
// lines; interactive commands write the same records pretty-printed. Both go to stderr, so a
// command's own output on stdout stays clean for pipes.

export type Logger = PinoLogger;
export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stderr when absent. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Colours in pretty output (default: when stderr is a terminal). */
  colorize?: boolean;
}

/**
 * Secret-named fields never reach a log line: every record's fields pass through the model's
 * secret detector (the same one that keeps secrets out of the graph), however deep. Errors are
 * kept whole for pino's serializer (their message and stack, not their fields). Child bindings
 * are not formatted by pino; they hold identifiers our code chooses (tenant, connector, sync and
 * request ids), never payloads.
 */
function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? value : redactSecrets({ [key]: value })[key];
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const settings = {
    level: options.level ?? 'info',
    base: { service: 'authgraph' },
    formatters: { log: redactFields },
  };
  if (format === 'pretty') {
    const stream = PinoPretty({
      destination: options.destination ?? 2,
      colorize: options.colorize ?? process.stderr.isTTY === true,
      ignore: 'pid,hostname,service',
      translateTime: 'HH:MM:ss.l',
      singleLine: true,
      sync: true,
    });
    return pino(settings, stream);
  }
  return pino(settings, options.destination ?? pino.destination({ fd: 2, sync: true }));
}

/** A logger that writes nothing: the default where a caller passed none (library use, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** An error as log fields: pino serializes `err` (type, message, stack). */
export const errorFields = (error: unknown) => ({ err: error instanceof Error ? error : new Error(String(error)) });

import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.ts';
import type { LogFormat, Logger, LogLevel } from '../../src/observability/logger.ts';

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real logger whose JSON lines are kept in memory, for tests that assert what was logged. */
export function capturedLogger(level: LogLevel = 'debug', format: LogFormat = 'json'): { log: Logger; lines: string[]; records: () => LogRecord[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      // pino writes one record per call; pino-pretty may write one per call as well.
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level, format, colorize: false, destination });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as LogRecord) };
}

export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

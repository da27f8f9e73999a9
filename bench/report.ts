// Small helpers so every benchmark prints figures the same way.

import { availableParallelism, loadavg } from 'node:os';
import type { StorageAdapter } from '../src/storage/StorageAdapter.ts';

export function hr(label: string): void {
  console.log(`\n== ${label}`);
}

export function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

export function peakRssMiB(): number {
  // maxRSS is in KiB on Linux.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function percentile(sortedMs: number[], p: number): number {
  if (!sortedMs.length) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

/** The middle value (the upper one of an even count): the figure of several runs of one measurement. */
export function median(values: readonly number[]): number {
  return [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export function intArg(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The machine's load, printed beside figures measured on a shared machine. */
export function machineLoad(): string {
  const [one, five] = loadavg();
  return `load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${availableParallelism()} cores`;
}

/** `storage` with each call of `methods` recorded in `into` as a [start, end] interval (by method name). */
export function timeCalls(storage: StorageAdapter, into: Map<string, [number, number][]>, methods: readonly string[]): StorageAdapter {
  const watched = new Set(methods);
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || !watched.has(property)) return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          into.set(property, [...(into.get(property) ?? []), [start, performance.now()]]);
        }
      };
    },
  });
}

/** How long any of `methods` was running: calls in flight together count once (readPreviousGraph reads nodes and edges side by side). */
export function busyMs(calls: Map<string, [number, number][]>, methods: readonly string[]): number {
  const intervals = methods.flatMap((m) => calls.get(m) ?? []).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of intervals) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

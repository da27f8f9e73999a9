import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import '../../../src/events/compression.ts'; // what producers import: installs the encoder
import { fastRecord, fastRecordInstalled, kafkajsRecord } from '../../../src/events/kafkajs-record-encoder.ts';

const require = createRequire(import.meta.url);
type Args = Parameters<typeof fastRecord>[0];
const bytes = (encode: typeof fastRecord, args: Args) => Buffer.from((encode(args) as unknown as { buffer: Buffer }).buffer);

// A deterministic pseudo-random source, so a failure names a reproducible case.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}
const ALPHABET = ['a', 'Z', '0', '|', ' ', 'é', '日', '🙂', '"', '\u0000'];

function text(rand: () => number, max: number): string {
  let out = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(rand() * ALPHABET.length)]!;
  return out;
}

function bytesOrText(rand: () => number, max: number): string | Buffer {
  const t = text(rand, max);
  return rand() < 0.3 ? Buffer.from(t) : t;
}

describe('the record encoder kafkajs uses (issue 17)', () => {
  it('is installed in kafkajs 2.2.4, the version the project pins', () => {
    expect((require('kafkajs/package.json') as { version: string }).version).toBe('2.2.4');
    expect(fastRecordInstalled()).toBe(true);
    expect(require('kafkajs/src/protocol/recordBatch/record/v0/index.js')).toBe(fastRecord);
  });

  it('writes the same bytes as kafkajs for keys, values and headers of every kind', () => {
    const rand = random(17);
    for (let i = 0; i < 3_000; i++) {
      const headers: Record<string, string | Buffer | (string | Buffer)[]> = {};
      const headerCount = Math.floor(rand() * 7);
      for (let h = 0; h < headerCount; h++) {
        headers[text(rand, 12) || `h${h}`] = rand() < 0.15 ? [bytesOrText(rand, 20), bytesOrText(rand, 20)] : bytesOrText(rand, 60);
      }
      // Sizes across the varint boundaries (63/64, 8191/8192 bytes) and records over 4 KiB.
      const big = rand() < 0.05 ? 'x'.repeat(Math.floor(rand() * 20_000)) : '';
      const args: Args = {
        offsetDelta: rand() < 0.5 ? Math.floor(rand() * 5_000) : Math.floor(rand() * 2 ** 31 - 1),
        timestampDelta: rand() < 0.5 ? Math.floor(rand() * 100) : Math.floor(rand() * 2 ** 31) - 2 ** 30,
        key: rand() < 0.1 ? null : bytesOrText(rand, 80),
        value: rand() < 0.1 ? (rand() < 0.5 ? null : undefined) : big || bytesOrText(rand, 200),
        headers,
      };
      expect(bytes(fastRecord, args), `case ${i}`).toEqual(bytes(kafkajsRecord, args));
    }
  });

  it('defaults as kafkajs does (no headers, deltas 0) and keeps a repeated header in order', () => {
    for (const args of [
      { key: 'k', value: 'v' },
      { key: 'k', value: '{}', headers: { a: ['1', '2', '3'], b: Buffer.from([0, 255]) } },
      { value: 'x'.repeat(8_191) },
      { value: 'x'.repeat(8_192), headers: { ce_id: 'é'.repeat(40) } },
    ] as Args[]) {
      expect(bytes(fastRecord, args)).toEqual(bytes(kafkajsRecord, args));
    }
  });

  it('hands what it does not cover to kafkajs: a 64-bit timestamp delta, a number value', () => {
    const wide: Args = { key: 'k', value: 'v', timestampDelta: 2 ** 40 };
    expect(bytes(fastRecord, wide)).toEqual(bytes(kafkajsRecord, wide));
    const numeric = { key: 'k', value: 12 as unknown as string };
    expect(() => bytes(kafkajsRecord, numeric)).toThrow();
    expect(() => bytes(fastRecord, numeric)).toThrow();
  });
});

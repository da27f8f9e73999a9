import { createRequire } from 'node:module';

// kafkajs 2.2.4 encodes every record of a produce request with its general-purpose Encoder: a
// zero-filled 512-byte buffer per record and per header (five headers: six buffers, grown by
// copying for a 1.6 KB record), a fresh Buffer for every varint, and the timestamp delta as an
// emulated 64-bit Long. On the relay's CPU profile (issue 17) that allocation and the garbage it
// leaves were the largest part of what a message costs to send. This module puts, in kafkajs's
// own module cache, an encoder of the same record format that measures the record first and
// writes it into one buffer of exactly its size. The bytes are the same: the test compares it
// with kafkajs's encoder on every shape kafkajs accepts; anything unusual (header values that are
// not strings or buffers, a timestamp delta beyond 32 bits) goes to kafkajs's own encoder.
//
// kafkajs is pinned (2.2.4, the last release) and the replacement is tied to that version: with any
// other version nothing is replaced and kafkajs encodes as it always did.

const require = createRequire(import.meta.url);
const KAFKAJS_VERSION = '2.2.4';

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}
type RecordArgs = { offsetDelta?: number; timestampDelta?: number; key?: unknown; value?: unknown; headers?: Record<string, unknown> };
type RecordEncoder = (args: RecordArgs) => KafkajsEncoder;

const recordPath = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/index.js');
// The produce requests that hold a reference to the record encoder (v4–v7 build on v3).
const produceRequestPaths = [3, 4, 5, 6, 7].map((v) => require.resolve(`kafkajs/src/protocol/requests/produce/v${v}/request.js`));
const EncoderClass = require('kafkajs/src/protocol/encoder.js') as { prototype: object };

/** kafkajs's own record encoder, kept for what the fast one does not handle (and for the test). */
export const kafkajsRecord = require(recordPath) as RecordEncoder;

/** Bytes of a zigzag varint (kafkajs's Encoder.sizeOfVarInt, without its class). */
function varIntSize(value: number): number {
  let v = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((v & 0xffffff80) !== 0) {
    bytes++;
    v >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, offset: number, value: number): number {
  let v = (value << 1) ^ (value >> 31);
  while ((v & 0xffffff80) !== 0) {
    buf[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[offset++] = v & 0x7f;
  return offset;
}

const isInt32 = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff;
const isBytes = (v: unknown): v is string | Buffer => typeof v === 'string' || Buffer.isBuffer(v);
const byteLength = (v: string | Buffer) => (typeof v === 'string' ? Buffer.byteLength(v) : v.length);

function writeBytes(buf: Buffer, offset: number, v: string | Buffer, length: number): number {
  offset = writeVarInt(buf, offset, length);
  if (typeof v === 'string') buf.write(v, offset, length, 'utf8');
  else v.copy(buf, offset);
  return offset + length;
}

/**
 * The record format of kafkajs's protocol/recordBatch/record/v0 (Kafka's Record v2 inside a
 * RecordBatch): length, attributes, timestamp delta, offset delta, key, value, headers.
 */
export const fastRecord: RecordEncoder = (args) => {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = args;
  if (!isInt32(offsetDelta) || !isInt32(timestampDelta) || (key != null && !isBytes(key)) || (value != null && !isBytes(value))) return kafkajsRecord(args);
  // Headers as kafkajs lists them: one entry per value, an array's values in turn.
  const names: string[] = [];
  const values: (string | Buffer)[] = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    for (const one of Array.isArray(v) ? (v as unknown[]) : [v]) {
      if (!isBytes(one)) return kafkajsRecord(args);
      names.push(name);
      values.push(one);
    }
  }
  const keyLength = key == null ? -1 : byteLength(key);
  const valueLength = value == null ? -1 : byteLength(value);
  let body =
    1 +
    varIntSize(timestampDelta) +
    varIntSize(offsetDelta) +
    varIntSize(keyLength) +
    Math.max(0, keyLength) +
    varIntSize(valueLength) +
    Math.max(0, valueLength);
  const headerLengths: number[] = [];
  body += varIntSize(names.length);
  for (let i = 0; i < names.length; i++) {
    const nameLength = Buffer.byteLength(names[i]!);
    const valueBytes = byteLength(values[i]!);
    headerLengths.push(nameLength, valueBytes);
    body += varIntSize(nameLength) + nameLength + varIntSize(valueBytes) + valueBytes;
  }
  // Pooled below 4 KiB (Buffer.allocUnsafe), and every byte is written below.
  const buf = Buffer.allocUnsafe(varIntSize(body) + body);
  let offset = writeVarInt(buf, 0, body);
  buf[offset++] = 0; // attributes: none used in a record
  offset = writeVarInt(buf, offset, timestampDelta);
  offset = writeVarInt(buf, offset, offsetDelta);
  offset = key == null ? writeVarInt(buf, offset, -1) : writeBytes(buf, offset, key, keyLength);
  offset = value == null ? writeVarInt(buf, offset, -1) : writeBytes(buf, offset, value, valueLength);
  offset = writeVarInt(buf, offset, names.length);
  for (let i = 0; i < names.length; i++) {
    offset = writeBytes(buf, offset, names[i]!, headerLengths[2 * i]!);
    offset = writeBytes(buf, offset, values[i]!, headerLengths[2 * i + 1]!);
  }
  // An Encoder as kafkajs's record batch reads it (its `buf` and `offset`), without its 512-byte start.
  const encoder = Object.create(EncoderClass.prototype) as KafkajsEncoder;
  encoder.buf = buf;
  encoder.offset = offset;
  return encoder;
};

/** Whether kafkajs's produce requests now use fastRecord (false with a kafkajs of another version). */
export function fastRecordInstalled(): boolean {
  return require.cache[recordPath]?.exports === fastRecord;
}

const installedVersion = (require('kafkajs/package.json') as { version: string }).version;
if (installedVersion === KAFKAJS_VERSION) {
  require.cache[recordPath]!.exports = fastRecord;
  // A produce request loaded before this module holds the old encoder: drop it, kafkajs loads it
  // again (it requires the request module on every produce) with the new one.
  for (const path of produceRequestPaths) delete require.cache[path];
}

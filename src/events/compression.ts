import kafkajs from 'kafkajs';
import zstd from 'zstd-napi';
// Every module that makes a producer imports this one: the record encoder kafkajs then uses.
import './kafkajs-record-encoder.ts';

// kafkajs is CommonJS and CompressionCodecs is not among the names Node can see statically.
const { CompressionCodecs, CompressionTypes } = kafkajs;

/**
 * The codec the relay compresses produce requests with: zstd at level 1 (the seeds ask for zstd
 * on JSON payloads). Chosen by measurement on this project's own graph-event envelopes (3,355
 * messages of ~850 B from a 1%-change sync, 128 KiB per-partition batches, one run, 2 cores):
 *
 *   codec    ratio   µs per message (compress)
 *   zstd-1   11.6    1.0
 *   zstd-3   10.2    1.2
 *   gzip     10.0    5.5      (kafkajs's only built-in codec)
 *   lz4       5.8    0.9
 *   snappy    5.2    3.1
 *
 * zstd gives the smallest batches at about lz4's speed; gzip costs five times the CPU, which on
 * a busy two-core machine is what limits the relay.
 *
 * Checked again for issue 17 on whole produce requests (30,858 envelopes of a 1%-change sync,
 * 4 MiB requests, kafkajs 2.2.4, idempotent, acks=all; relay-process CPU per message, two runs,
 * load 8–12 on 2 cores): zstd-1 48–52 µs, gzip 54–55 µs, none 53–64 µs. No compression is not
 * cheaper: kafkajs computes the batch CRC-32C in JavaScript over the bytes it sends, so ten
 * times the bytes costs more than zstd does.
 *
 * And with the five-header messages (issue 17), bare idempotent sends in a process of their own
 * (10,286 envelopes of a 300k-node 1%-change sync, 4 MiB requests, load 2.0–2.8 on 2 cores):
 * zstd-1 42 µs/message 22,192/s, gzip 47 µs 18,365/s, none 278 µs 3,750/s; payload ratio at
 * 1M nodes (bench:events): zstd-1 14.7, gzip 12.9. zstd stays.
 */
export const RELAY_COMPRESSION = CompressionTypes.ZSTD;

const ZSTD_LEVEL = 1;

// kafkajs ships only gzip; other codecs are registered on its global table. Consumers need the
// same registration to read zstd batches, so every module that makes a producer or a consumer
// imports this one.
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    return zstd.compress(encoder.buffer, { compressionLevel: ZSTD_LEVEL });
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return zstd.decompress(buffer);
  },
});

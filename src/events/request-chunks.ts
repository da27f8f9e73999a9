import type { OutboxMessage } from '../model/index.ts';

/**
 * Uncompressed bytes per produce request (all partitions together). Measured with kafkajs 2.2.4,
 * idempotent, acks=all, zstd, 850-byte events on the busy two-core machine: 1,000 messages per
 * request 22k/s, 4,000 per request 28k/s. The broker refuses one partition's record batch over
 * message.max.bytes (1 MiB) after compression; envelopes are JSON that zstd shrinks ~11×, and a
 * refused request is split and sent again (KafkaSink), so an odd incompressible batch costs a
 * retry, never a stuck outbox.
 *
 * Bigger is not free: kafkajs groups a request's messages per partition by copying the
 * partition's array for every message (producer/groupMessagesPerPartition.js), quadratic in the
 * messages per partition. Re-measured for issue 17 (1.6 KB envelopes with their headers, CPU per
 * message with the fast partitioner): 256 KiB 45–46 µs, 1 MiB 39–43 µs, 2 MiB 41 µs, 4 MiB 38 µs —
 * still flat at 4 MiB, so it stays.
 */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Splits messages, in order, into runs that each fit one produce request. Lazy: the relay hands
 * it messages wrapped on demand, so each request's messages are made while the one before it is
 * on the wire.
 */
export function* chunksByBytes(messages: Iterable<OutboxMessage>, maxBytes = MAX_REQUEST_BYTES): Generator<OutboxMessage[]> {
  let chunk: OutboxMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (chunk.length && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

/** A record's size on the wire before compression, near enough: payload, key, headers, framing. */
function messageBytes(m: OutboxMessage): number {
  let headers = 0;
  for (const k in m.headers) headers += k.length + m.headers[k]!.length + 2;
  return Buffer.byteLength(m.payload) + m.key.length + headers + 16;
}

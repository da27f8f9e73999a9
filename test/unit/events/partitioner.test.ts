import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { FastDefaultPartitioner, murmur2, partitionForKey } from '../../../src/events/partitioner.ts';

const metadata = (partitions: number): PartitionMetadata[] =>
  Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('FastDefaultPartitioner', () => {
  // Switching partitioners must not move any key: an entity's events would then sit in two
  // partitions, and a consumer could see its newer event before its older one.
  it('puts every key on the partition kafkajs (and the Java client) does, whatever its bytes', () => {
    const reference = kafkajs.Partitioners.DefaultPartitioner();
    const fast = FastDefaultPartitioner();
    const keys: (string | Buffer)[] = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'tenant-1|custom:synthetic.example.com:aut05yc1s',
      'tenant-ü|ñame with multi-byte characters ✓',
      ...Array.from({ length: 2_000 }, (_, i) => `bench-events-${i}|custom:synthetic.example.com:aut${i.toString(36)}`),
      ...Array.from({ length: 2_000 }, (_, i) => randomBytes(i % 41)),
    ];
    for (const partitions of [1, 6, 7, 64]) {
      const partitionMetadata = metadata(partitions);
      const expected = keys.map((key) => reference({ topic: 't', partitionMetadata, message: { key, value: null } }));
      const actual = keys.map((key) => fast({ topic: 't', partitionMetadata, message: { key, value: null } }));
      expect(actual).toEqual(expected);
    }
  });

  it("matches the Java client's murmur2 on known keys", () => {
    // Values from org.apache.kafka.common.utils.Utils.murmur2 (the Java client's UtilsTest).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });

  it('keeps an explicit partition and spreads unkeyed messages as kafkajs does', () => {
    const fast = FastDefaultPartitioner();
    const partitionMetadata = metadata(6);
    expect(fast({ topic: 't', partitionMetadata, message: { key: 'k', partition: 4, value: null } })).toBe(4);
    const spread = new Set(Array.from({ length: 60 }, () => fast({ topic: 't', partitionMetadata, message: { value: null } })));
    expect(spread.size).toBe(6);
    expect(partitionForKey('k', 6)).toBe(fast({ topic: 't', partitionMetadata, message: { key: 'k', value: null } }));
  });
});

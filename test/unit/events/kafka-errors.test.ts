import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { LEADER_MOVES, hasErrorType } from '../../../src/events/kafka-sink.ts';

// The sink sends a request again only while a partition's leader moves; anything else (too few
// in-sync replicas, a refused request) fails the publish and leaves the rows pending.
describe('which Kafka errors the sink sends again', () => {
  const protocol = (type: string) => Object.assign(new KafkaJSProtocolError(type), { type });

  it('finds a leader move under kafkajs wrappers', () => {
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocol('NOT_LEADER_FOR_PARTITION'), { retryCount: 0, retryTime: 0 });
    expect(hasErrorType(wrapped, LEADER_MOVES)).toBe(true);
    expect(hasErrorType(protocol('LEADER_NOT_AVAILABLE'), LEADER_MOVES)).toBe(true);
    expect(hasErrorType(protocol('UNKNOWN_TOPIC_OR_PARTITION'), LEADER_MOVES)).toBe(true);
  });

  it('does not send again when replicas are missing or the error is of another kind', () => {
    expect(hasErrorType(protocol('NOT_ENOUGH_REPLICAS'), LEADER_MOVES)).toBe(false);
    expect(hasErrorType(new KafkaJSNumberOfRetriesExceeded(protocol('NOT_ENOUGH_REPLICAS'), { retryCount: 0, retryTime: 0 }), LEADER_MOVES)).toBe(false);
    expect(hasErrorType(new Error('connection refused'), LEADER_MOVES)).toBe(false);
    expect(hasErrorType(undefined, LEADER_MOVES)).toBe(false);
  });
});

import { KafkaJSProtocolError } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { waitForLeaders } from '../../../src/events/ensure-topics.ts';

/** A stand-in for the one admin call the wait makes: answers are played back in order. */
function adminAnswering(answers: Array<Error | Array<{ name: string; leaders: number[] }>>): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return {
        topics: answer.map((t) => ({
          name: t.name,
          partitions: t.leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [], isr: [] })),
        })),
      };
    },
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

// Kafka's error code 3: the broker asked does not know the topic yet.
const unknownTopic = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true }),
  );

describe('waitForLeaders', () => {
  it('retries while a new topic is unknown or leaderless, and returns once every partition has a leader', async () => {
    const { admin, calls } = adminAnswering([unknownTopic(), [{ name: 't', leaders: [0, -1] }], [{ name: 't', leaders: [0, 2] }]]);
    await waitForLeaders(admin, ['t'], 5_000);
    expect(calls()).toBe(3);
  });

  it('gives up at the deadline with an error naming the topic and what it last saw', async () => {
    const { admin } = adminAnswering([[{ name: 't', leaders: [-1] }]]);
    await expect(waitForLeaders(admin, ['t'], 300)).rejects.toThrow(/topics t had no leader .*no leader yet for t/);
  });

  it('throws any other error at once', async () => {
    const denied = new KafkaJSProtocolError(
      Object.assign(new Error('Not authorized to access topics'), { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false }),
    );
    const { admin, calls } = adminAnswering([denied]);
    await expect(waitForLeaders(admin, ['t'], 5_000)).rejects.toBe(denied);
    expect(calls()).toBe(1);
  });
});

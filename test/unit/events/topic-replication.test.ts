import { describe, expect, it } from 'vitest';
import { topicReplication } from '../../../src/events/topic-replication.ts';

describe('topicReplication', () => {
  it("follows the seeds' defaults on three brokers or more, and the broker count below", () => {
    expect(topicReplication(3, {})).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplication(5, {})).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplication(1, {})).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(topicReplication(2, {})).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
  });

  it('takes either value from the environment, and refuses settings no write could meet', () => {
    expect(topicReplication(3, { AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS: '3' })).toEqual({ replicationFactor: 3, minInsyncReplicas: 3 });
    expect(topicReplication(5, { AUTHGRAPH_KAFKA_REPLICATION_FACTOR: '5' })).toEqual({ replicationFactor: 5, minInsyncReplicas: 2 });
    expect(() => topicReplication(3, { AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS: '4' })).toThrow(/exceeds the replication factor/);
    expect(() => topicReplication(3, { AUTHGRAPH_KAFKA_REPLICATION_FACTOR: '2', AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS: '3' })).toThrow(/cannot exceed/);
    expect(() => topicReplication(3, { AUTHGRAPH_KAFKA_REPLICATION_FACTOR: 'three' })).toThrow(/AUTHGRAPH_KAFKA_REPLICATION_FACTOR/);
  });
});

import { Kafka, logLevel } from 'kafkajs';
import { EnvelopeConsumer } from '../src/events/envelope-consumer.ts';
import { TOPICS } from '../src/events/topics.ts';

// The downstream consumer of bench/events.bench.ts, in its own process as it would be in its own
// service: it counts this tenant's envelopes and reports when `expected` (sent later) is reached.
const [brokerList, groupId, tenantId] = process.argv.slice(2) as [string, string, string];
const brokers = brokerList.split(',');
const tell = (message: object) => process.send!(message);
let consumed = 0;
let expected = Infinity;
const consumer = new EnvelopeConsumer({
  kafka: new Kafka({ clientId: 'bench-consumer', brokers, logLevel: logLevel.NOTHING }),
  groupId,
  topics: [TOPICS.graphEvents, TOPICS.syncsCompleted],
  fromBeginning: false,
  handle: async (envelope) => {
    if (envelope.tenantId !== tenantId) return;
    if (++consumed === expected) tell({ consumed });
  },
});
process.on('message', async (message: { expected?: number; stop?: boolean }) => {
  if (message.expected !== undefined) {
    expected = message.expected;
    if (consumed >= expected) tell({ consumed });
  }
  if (message.stop) {
    await consumer.stop();
    // Exit on its own (not killed) once the parent has the count, so a --cpu-prof profile of this side gets written.
    process.send!({ stopped: true, consumed }, () => process.exit(0));
  }
});
await consumer.start();
tell({ started: true });

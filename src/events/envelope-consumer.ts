import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import './compression.ts'; // registers the zstd codec the relay's batches need
import { readCloudEventHeaders } from './cloudevents.ts';
import type { CloudEventHeaders } from './cloudevents.ts';
import type { Envelope } from './envelope.ts';
import { parseEnvelope } from './envelope-parse.ts';
import { ensureTopics } from './ensure-topics.ts';
import { RecentIds } from './dedupe.ts';
import type { SeenStore } from './dedupe.ts';
import { DEFAULT_CONSUMER_RETRY, backoffBeforeTry } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { DLQ_HEADERS, dlqTopic } from './topics.ts';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  /**
   * The message's CloudEvents context (ce_* headers), undefined for messages written before the
   * relay added them.
   */
  cloudEvent: CloudEventHeaders | undefined;
}

export interface EnvelopeConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: (envelope: Envelope, context: MessageContext) => Promise<void>;
  retry?: RetryPolicy;
  seen?: SeenStore;
  fromBeginning?: boolean;
  /** Called after a message went to the DLQ (for metrics and tests). */
  onDeadLetter?: (info: { topic: string; error: string; tries: number }) => void;
}

/**
 * The consumer helper downstream services and our tests use. Each message is validated against
 * the envelope schema; a message that fails validation can never succeed, so it goes straight to
 * the DLQ. A handler failure is retried with backoff, then dead-lettered with the original topic,
 * the try count and the error in headers — and the consumer moves on instead of blocking its
 * partition. Duplicates (by event id) are skipped.
 */
export class EnvelopeConsumer {
  private consumer: Consumer | undefined;
  private dlqProducer: Producer | undefined;
  private readonly retry: RetryPolicy;
  private readonly seen: SeenStore;

  constructor(private readonly options: EnvelopeConsumerOptions) {
    this.retry = options.retry ?? DEFAULT_CONSUMER_RETRY;
    this.seen = options.seen ?? new RecentIds();
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    await ensureTopics(kafka, [...topics, ...topics.map(dlqTopic)]);
    this.dlqProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.dlqProducer.connect();
    this.consumer = kafka.consumer({ groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => this.process(topic, partition, message),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
    await this.dlqProducer?.disconnect().catch(() => {});
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const cloudEvent = readCloudEventHeaders(headerStrings(message.headers));
    const context: MessageContext = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString(),
      cloudEvent: cloudEvent.success ? cloudEvent.data : undefined,
    };
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(message.value?.toString() ?? '');
    } catch (error) {
      await this.deadLetter(topic, message, `invalid envelope: ${errorText(error)}`, 0);
      return;
    }
    if (await this.seen.has(envelope.eventId)) return;
    for (let attempt = 1; attempt <= this.retry.tries; attempt++) {
      if (attempt > 1) await sleep(backoffBeforeTry(this.retry, attempt));
      try {
        await this.options.handle(envelope, context);
        await this.seen.add(envelope.eventId);
        return;
      } catch (error) {
        if (attempt === this.retry.tries) await this.deadLetter(topic, message, errorText(error), attempt);
      }
    }
  }

  private async deadLetter(topic: string, message: KafkaMessage, error: string, tries: number): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.retryCount]: String(tries),
      [DLQ_HEADERS.errorMessage]: error.slice(0, 1_000),
    };
    // acks=all: the message is safe in the DLQ before its offset is committed.
    await this.dlqProducer!.send({ topic: dlqTopic(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    this.options.onDeadLetter?.({ topic, error, tries });
  }
}

/** Kafka header values as text (kafkajs hands them over as buffers, possibly repeated). */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

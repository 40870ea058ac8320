'use strict';
// A Node.js worker as TypeScript services run one: the official OpenTelemetry amqplib and aws-sdk
// instrumentations, registered before the clients are loaded, export OTLP/HTTP to
// OTEL_EXPORTER_OTLP_ENDPOINT. Consumes COUNT messages (default 1) from QUEUE on BROKER
// ("rabbitmq": RABBITMQ_URL; "sqs": SQS_ENDPOINT, AWS_REGION), acks or deletes each, flushes the
// spans, prints "consumed N" and exits 0; exits 1 with the reason on any error or after
// TIMEOUT_SECONDS (default 60).
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AmqplibInstrumentation } = require('@opentelemetry/instrumentation-amqplib');
const { AwsInstrumentation } = require('@opentelemetry/instrumentation-aws-sdk');

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set; the consumer needs it`);
  }
  return value;
}

const endpoint = required('OTEL_EXPORTER_OTLP_ENDPOINT').replace(/\/+$/, '');
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({
    'service.name': process.env.OTEL_SERVICE_NAME || 'node-consumer',
  }),
  spanProcessors: [
    new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })),
  ],
});
provider.register(); // global tracer provider, W3C trace context propagator, async-hooks context
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new AmqplibInstrumentation(), new AwsInstrumentation()],
});

const broker = required('BROKER');
const queue = required('QUEUE');
const count = Number.parseInt(process.env.COUNT || '1', 10);
const timeoutMs = 1000 * Number.parseInt(process.env.TIMEOUT_SECONDS || '60', 10);

async function consumeRabbit() {
  const amqp = require('amqplib'); // after registerInstrumentations, so it is patched
  const connection = await amqp.connect(required('RABBITMQ_URL'));
  try {
    const channel = await connection.createChannel();
    await channel.checkQueue(queue); // declared by the producer; fails if absent
    let consumed = 0;
    await new Promise((resolve, reject) => {
      channel
        .consume(queue, (msg) => {
          if (msg === null) {
            reject(new Error(`the broker cancelled the consumer of ${queue}`));
            return;
          }
          channel.ack(msg); // ends the instrumentation's '{queue} process' span
          consumed += 1;
          if (consumed >= count) {
            resolve();
          }
        })
        .catch(reject);
    });
    await channel.close();
    return consumed;
  } finally {
    await connection.close();
  }
}

async function consumeSqs() {
  const sqs = require('@aws-sdk/client-sqs'); // after registerInstrumentations, so it is patched
  const client = new sqs.SQSClient({
    endpoint: required('SQS_ENDPOINT'),
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
    },
  });
  try {
    const { QueueUrl } = await client.send(new sqs.GetQueueUrlCommand({ QueueName: queue }));
    let consumed = 0;
    while (consumed < count) {
      const response = await client.send(
        new sqs.ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: Math.min(10, count - consumed),
          WaitTimeSeconds: 1,
        }),
      );
      for (const message of response.Messages || []) {
        await client.send(
          new sqs.DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        consumed += 1;
      }
    }
    return consumed;
  } finally {
    client.destroy();
  }
}

async function main() {
  let consumed;
  if (broker === 'rabbitmq') {
    consumed = await consumeRabbit();
  } else if (broker === 'sqs') {
    consumed = await consumeSqs();
  } else {
    throw new Error(`BROKER is '${broker}'; set it to 'rabbitmq' or 'sqs'`);
  }
  await provider.forceFlush();
  await provider.shutdown();
  console.log(`consumed ${consumed}`);
}

const timer = setTimeout(() => {
  console.error(`no ${count} message(s) on ${queue} within ${timeoutMs / 1000} s`);
  process.exit(1);
}, timeoutMs);
main().then(
  () => {
    clearTimeout(timer);
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

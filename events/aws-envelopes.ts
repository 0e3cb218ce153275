import * as z from 'zod';

/*
 * AWS's outer event shapes, field for field as Powertools' parser defines them
 * (@aws-lambda-powertools/parser/schemas: EventBridgeSchema, SnsNotificationSchema, SnsRecordSchema, SnsSchema;
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/parser/#built-in-schemas). They are restated
 * here because Powertools' modules `import { z } from 'zod'`, and that namespace object pulls all of zod (every
 * locale, the JSON-schema converters: ~460 KB minified) into each Lambda bundle; `import * as z` tree-shakes to
 * ~100 KB. test/unit/events/aws-envelopes.test.ts proves both accept and refuse the same events.
 */

/** An EventBridge event: https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

const SnsMsgAttribute = z.object({ Type: z.string(), Value: z.string() });

/** The `Sns` part of an SNS-to-Lambda record: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html */
export const SnsNotificationSchema = z.object({
  Subject: z.string().nullish(),
  TopicArn: z.string(),
  UnsubscribeUrl: z.url(),
  UnsubscribeURL: z.url().optional(),
  SigningCertUrl: z.url().optional(),
  SigningCertURL: z.url().optional(),
  Type: z.literal('Notification'),
  MessageAttributes: z.record(z.string(), SnsMsgAttribute).optional(),
  Message: z.string(),
  MessageId: z.string(),
  Signature: z.string().optional(),
  SignatureVersion: z.string().optional(),
  Timestamp: z.iso.datetime(),
});

export const SnsRecordSchema = z.object({
  EventSource: z.literal('aws:sns'),
  EventVersion: z.string(),
  EventSubscriptionArn: z.string(),
  Sns: SnsNotificationSchema,
});

/** The event SNS invokes a Lambda function with: one or more records. */
export const SnsSchema = z.object({ Records: z.array(SnsRecordSchema).nonempty() });

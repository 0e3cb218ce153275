import * as z from 'zod';
import { SnsRecordSchema, SnsSchema } from './aws-envelopes.js';
import { AMAZON_LINUX_TOPICS, type AmazonLinuxFamily } from './sources.js';

const topicArns = Object.values(AMAZON_LINUX_TOPICS);

/**
 * AWS documents the Amazon Linux AMI release topics but not their message body ("the version of the AMI will be
 * included in the message"). So the message is an opaque release notice: Goldsmith treats any message on these
 * topics as "a new base image may exist" and reads the real AMI ids from the public SSM parameters.
 */
const amazonLinuxRecordSchema = SnsRecordSchema.extend({
  Sns: SnsRecordSchema.shape.Sns.extend({
    TopicArn: z.enum(topicArns, { error: `must be one of AWS's Amazon Linux AMI topics: ${topicArns.join(', ')}` }),
    Message: z.string().min(1, 'must not be empty'),
  }),
});

/** The SNS Lambda event delivered from a subscription to an Amazon Linux AMI release topic. */
export const amazonLinuxAmiUpdateSchema = SnsSchema.extend({
  Records: z.array(amazonLinuxRecordSchema).min(1, 'must hold at least one record'),
});

export type AmazonLinuxAmiUpdateEvent = z.infer<typeof amazonLinuxAmiUpdateSchema>;

/** What Goldsmith takes from one release notice. */
export interface AmazonLinuxReleaseNotice {
  family: AmazonLinuxFamily;
  messageId: string;
  publishedAt: string;
  /** A version-like token found in the subject or message (e.g. `2023.6.20241212.0`); informational only. */
  version?: string;
}

const familyByTopic = new Map<string, AmazonLinuxFamily>(
  Object.entries(AMAZON_LINUX_TOPICS).map(([family, arn]) => [arn, family as AmazonLinuxFamily]),
);

// Amazon Linux release versions look like 2023.6.20241212.0 or 2.0.20241217.0: three or four dotted numbers.
const VERSION_TOKEN = /\b\d+(?:\.\d+){2,3}\b/;

/** One notice per record, in delivery order. */
export function releaseNotices(event: AmazonLinuxAmiUpdateEvent): AmazonLinuxReleaseNotice[] {
  return event.Records.map(({ Sns }) => {
    const version = VERSION_TOKEN.exec(`${Sns.Subject ?? ''} ${Sns.Message}`)?.[0];
    return {
      family: familyByTopic.get(Sns.TopicArn) ?? 'al2023',
      messageId: Sns.MessageId,
      publishedAt: Sns.Timestamp,
      ...(version === undefined ? {} : { version }),
    };
  });
}

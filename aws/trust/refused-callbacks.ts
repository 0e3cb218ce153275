import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ttlAfter } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/** How long a sample of refused callbacks is kept before DynamoDB's TTL removes it. */
export const REFUSED_SAMPLE_DAYS = 30;

/** A kept sample of refused callbacks (core/trust/refusal-sampler.ts decides which refusals are kept). */
export interface RefusedSample {
  /** Why the request was refused ("bad signature", "link expired", …). */
  reason: string;
  at: string;
  /** The door: a signed link (GET page or POST decision), or a Slack button. */
  door: 'link' | 'slack';
  /** The request's parameters, bounded, without the signature. */
  params: Record<string, string>;
  sourceIp?: string | undefined;
  /** How many refusals of this reason this sample stands for (this one and those only counted since the last). */
  count: number;
}

/**
 * Keeps one sample of refused callbacks: partitioned by UTC day (`CALLBACK#REFUSED#2027-02-01`), so no partition
 * grows forever, and expiring after 30 days (`expiresAt`, the ledger's TTL attribute;
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
export async function recordRefusedSample(sample: RefusedSample, now: Date): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: {
        pk: `CALLBACK#REFUSED#${sample.at.slice(0, 10)}`,
        sk: `${sample.at}#${Math.random().toString(36).slice(2, 10)}`,
        kind: 'refused-callback',
        ...sample,
        reason: sample.reason.slice(0, 200),
        expiresAt: ttlAfter(now, REFUSED_SAMPLE_DAYS),
      },
    }),
  );
}

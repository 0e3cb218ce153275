import { paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type HistoryLookup, type RecordedCall, recordedCallSchema } from '../../core/audit/event-history.js';
import { cloudtrailClient } from '../clients/cloudtrail.js';
import { lambdaClient } from '../clients/lambda.js';

/** The calls one lookup found, and the events it could not read (each with why: none is acted on). */
export interface LookedUp {
  calls: RecordedCall[];
  skipped: string[];
  pages: number;
}

/**
 * The management events CloudTrail's event history holds in `lookup.region` for one attribute, recorded from `start`
 * to `end` (both inclusive), every page (LookupEvents: at most one attribute, 50 events a page, newest first, "two
 * per second, per account, per Region", past that a ThrottlingException the client's adaptive retries wait out:
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html). Each event's record is its
 * `CloudTrailEvent` JSON string, parsed here; one that does not parse is skipped with the reason, never half read.
 */
export async function lookUpCalls(lookup: HistoryLookup, start: Date, end: Date): Promise<LookedUp> {
  const found: LookedUp = { calls: [], skipped: [], pages: 0 };
  const pages = paginateLookupEvents(
    { client: cloudtrailClient(lookup.region), pageSize: 50 },
    {
      LookupAttributes: [{ AttributeKey: lookup.key, AttributeValue: lookup.value }],
      StartTime: start,
      EndTime: end,
      MaxResults: 50,
    },
  );
  for await (const page of pages) {
    found.pages++;
    for (const event of page.Events ?? []) {
      const label = `event ${event.EventId ?? '(no id)'} in ${lookup.region}`;
      let raw: unknown;
      try {
        raw = JSON.parse(event.CloudTrailEvent ?? '');
      } catch {
        found.skipped.push(`${label}: its CloudTrailEvent is not JSON`);
        continue;
      }
      const parsed = recordedCallSchema.safeParse(raw);
      if (parsed.success) found.calls.push(parsed.data);
      else
        found.skipped.push(
          `${label}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ')}`,
        );
    }
  }
  return found;
}

/**
 * Hands an auditor the event a trail would have sent it: an asynchronous invocation (InvocationType Event: Lambda
 * queues it, answers 202 and retries a failed run; https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 */
export async function deliverToAuditor(functionName: string, event: unknown): Promise<void> {
  await lambdaClient().send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
}

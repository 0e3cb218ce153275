import { EVENT_BOUNDS } from '../../events/bounds.js';
import { DECISIONS_PER_INSTANT, decisionSk, intentKey, markerKey } from '../ledger/keys.js';

/**
 * What AWS allows in the keys, names and policies Goldsmith writes strings from events, requests and the catalog
 * into, and the bounds Goldsmith's own inputs get so that every key built from them fits. Pure.
 *
 * events/ imports nothing of ours, so events/bounds.ts repeats the input bounds as literals; a test checks the two
 * agree.
 */
export const AWS_LIMITS = {
  /** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-partition-sort-keys */
  dynamodbPartitionKeyBytes: 2048,
  dynamodbSortKeyBytes: 1024,
  /** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items */
  dynamodbItemBytes: 400 * 1024,
  /** StartExecution `name`: 1–80 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
  executionNameChars: 80,
  /** EC2 tag values: up to 256 Unicode characters (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions). */
  tagValueChars: 256,
  /**
   * An SSM parameter name: "the maximum length for a parameter name, including the full length of the parameter
   * ARN, is 1011 characters" (of the reported 2048), of `a-zA-Z0-9_.-/`
   * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
   */
  ssmParameterNameWithArnChars: 1011,
  /** CreateSchedule `Name`: 1–64 of `[0-9a-zA-Z-_.]` (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). */
  scheduleNameChars: 64,
  /** CreateSecret `Name`: 1–512 ASCII letters, digits and `/_+=.@-` (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html). */
  secretNameChars: 512,
  /** IAM role and user names: 64 characters; paths 512 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
  iamNameChars: 64,
  iamPathChars: 512,
} as const;

/**
 * Goldsmith's bounds on the strings events and requests carry into keys (a change's id, its dedupe keys) and
 * records: events/bounds.ts sets them (events/ imports nothing of ours), core reads them here. Chosen so that the
 * longest change of each kind still fits every key it is written under (checked by `changeKeyProblem` and a test).
 */
export const INPUT_BOUNDS = EVENT_BOUNDS;

/** A string's size as DynamoDB counts key sizes: UTF-8 bytes. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest ISO time Goldsmith writes into keys (`2027-01-19T09:00:00.000+14:00`). */
const LONGEST_TIME = '2027-01-19T09:00:00.000+14:00';

/**
 * Why the ledger could not hold a change, or undefined when it can: its intent's sort key, and for each image it
 * affects, the dedupe marker's partition key and the decision's sort key, must each fit DynamoDB's key size.
 * A change that does not fit is refused before anything is recorded, so no reconciler ever re-issues it.
 */
export function changeKeyProblem(
  change: { time: string; id: string },
  dedupeKeys: readonly string[],
): string | undefined {
  const tooLong = (what: string, key: string, max: number) =>
    utf8Bytes(key) > max ? `${what} would be ${utf8Bytes(key)} bytes, over DynamoDB's ${max}` : undefined;
  const intent = intentKey(change.time, change.id);
  const problems = [
    tooLong('the intent key', intent.sk, AWS_LIMITS.dynamodbSortKeyBytes),
    ...dedupeKeys.flatMap((k) => [
      tooLong('the dedupe marker key', markerKey(k).pk, AWS_LIMITS.dynamodbPartitionKeyBytes),
      tooLong('the decision key', decisionSk(LONGEST_TIME, k, DECISIONS_PER_INSTANT), AWS_LIMITS.dynamodbSortKeyBytes),
    ]),
  ].filter((p): p is string => p !== undefined);
  return problems[0] === undefined ? undefined : `change ${change.id.slice(0, 120)}…: ${problems[0]}`;
}

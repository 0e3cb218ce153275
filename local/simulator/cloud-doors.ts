import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { SchedulerServiceException } from '@aws-sdk/client-scheduler';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import type { VirtualClock } from '../clock.js';
import { errorFactory } from '../fakes/common.js';
import { s3Error } from '../fakes/s3-answers.js';
import type { BucketDoors } from '../trust/bucket-doors.js';
import { currentCaller } from '../trust/caller.js';
import type { DoorRefusal, ResourceDoors } from '../trust/resource-doors.js';

/**
 * The resource-policy doors of the local cloud's SQS, SNS, DynamoDB, Secrets Manager, S3 and Scheduler, applied to every SDK call made
 * by a known principal (a function's role, or a test's attacker through `runAs`) before the fake or dynalite
 * answers it. A refused call changes nothing and fails with the service's own error. Calls made by no principal
 * (the simulator setting up and observing) are not authorized, as before.
 */

/** One call a door refused. */
export interface RefusedWrite {
  at: string;
  principal: string;
  service: string;
  action: string;
  resource: string;
  code: string;
}

type Input = Record<string, unknown>;
type Context = { commandName?: string };
type Next = (args: { input: unknown }) => Promise<unknown>;
interface DoorStack {
  add(
    mw: (next: Next, context: Context) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

const ERRORS = {
  sqs: errorFactory(SQSServiceException),
  sns: errorFactory(SNSServiceException),
  dynamodb: errorFactory(DynamoDBServiceException),
  scheduler: errorFactory(SchedulerServiceException),
  secretsmanager: errorFactory(SecretsManagerServiceException),
} as const;

/**
 * S3's object calls and the IAM action each is authorized as: HeadObject needs s3:GetObject, a read or delete of one
 * version s3:GetObjectVersion or s3:DeleteObjectVersion
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
function s3ObjectAction(command: string, input: Input): string | undefined {
  const versioned = typeof input.VersionId === 'string';
  switch (command) {
    case 'PutObject':
      return 's3:PutObject';
    case 'GetObject':
    case 'HeadObject':
      return versioned ? 's3:GetObjectVersion' : 's3:GetObject';
    case 'DeleteObject':
      return versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
    default:
      return undefined;
  }
}

/**
 * Puts the bucket policies in front of an S3 client: an object call by a known principal on a bucket with a policy
 * is evaluated against it (`aws:SecureTransport` from whether the client speaks TLS, its `tls` setting).
 */
function attachBucketDoors(
  client: { middlewareStack: unknown; config?: unknown },
  options: { buckets: BucketDoors; refused: RefusedWrite[]; clock: VirtualClock },
): void {
  const { buckets, refused, clock } = options;
  const secure = (client.config as { tls?: boolean } | undefined)?.tls !== false;
  (client.middlewareStack as DoorStack).add(
    (next, context) => async (args) => {
      const principal = currentCaller();
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Input;
      const bucket = String(input.Bucket ?? '');
      // ListObjectsV2 is s3:ListBucket on the bucket, with the listing's prefix as `s3:prefix`
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
      const listing = command === 'ListObjectsV2';
      const action = listing ? 's3:ListBucket' : s3ObjectAction(command, input);
      if (principal === undefined || action === undefined || !buckets.guards(bucket)) return next(args);
      const refusal = listing
        ? await buckets.bucket(principal, action, bucket, secure, { 's3:prefix': String(input.Prefix ?? '') })
        : await buckets.object(principal, action, bucket, String(input.Key ?? ''), secure);
      if (refusal) {
        refused.push({
          at: clock.iso(),
          principal,
          service: 's3',
          action,
          resource: listing ? bucket : `${bucket}/${input.Key}`,
          code: refusal.code,
        });
        throw s3Error(command, refusal.code, refusal.message, refusal.status);
      }
      return next(args);
    },
    { step: 'initialize', name: 'goldsmithLocalBucketDoors', priority: 'high' },
  );
}

/** DynamoDB's write calls and the IAM action each item of them is authorized as. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The (action, resource) pairs one call asks for at a door, or none when it passes no door of ours. */
function asks(service: string, action: string, input: Input, tableArn: (name: string) => string): [string, string][] {
  if (service === 'sqs' && (action === 'SendMessage' || action === 'SendMessageBatch')) {
    return [['sqs:SendMessage', String(input.QueueUrl)]];
  }
  if (service === 'sns' && (action === 'Publish' || action === 'PublishBatch')) {
    return [['sns:Publish', String(input.TopicArn ?? input.TargetArn)]];
  }
  // Every call on one secret: its value read or written, its labels, rotation and policy, each its own IAM action
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/list_awssecretsmanager.html).
  if (service === 'secretsmanager' && typeof input.SecretId === 'string') {
    return [[`secretsmanager:${action}`, input.SecretId]];
  }
  if (service !== 'dynamodb') return [];
  if (action === 'PutItem' || action === 'UpdateItem' || action === 'DeleteItem') {
    return [[`dynamodb:${action}`, tableArn(String(input.TableName))]];
  }
  if (action === 'BatchWriteItem') {
    return Object.keys((input.RequestItems ?? {}) as Input).map((t) => ['dynamodb:BatchWriteItem', tableArn(t)]);
  }
  if (action === 'TransactWriteItems') {
    return ((input.TransactItems ?? []) as Record<string, { TableName?: string }>[]).flatMap((item) =>
      Object.entries(item).map(([kind, op]) => [
        TRANSACT_ACTIONS[kind] ?? `dynamodb:${kind}`,
        tableArn(String(op.TableName)),
      ]),
    ) as [string, string][];
  }
  return [];
}

/** A secret's name from what a call was given: its name, or its ARN (`…:secret:<name>-<6 characters>`). */
function secretNameOf(id: string): string {
  const m = /^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:(.+)-[A-Za-z0-9]{6}$/.exec(id);
  return m?.[1] ?? id;
}

async function refusalOf(
  doors: ResourceDoors,
  principal: string,
  action: string,
  resource: string,
  { accountId, region }: { accountId: string; region: string },
) {
  if (action === 'sqs:SendMessage') return doors.sqsSend(principal, resource);
  if (action === 'sns:Publish') return doors.snsPublish(principal, resource);
  if (action.startsWith('secretsmanager:')) {
    const name = secretNameOf(resource);
    const arn = `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-AbCdEf`;
    return doors.secretCall(principal, action, name, arn);
  }
  return doors.dynamoWrite(principal, action, resource);
}

/** Puts the doors in front of one SDK client of `service`. */
export function attachDoors(
  client: { middlewareStack: unknown },
  service: string,
  options: {
    doors: ResourceDoors;
    buckets?: BucketDoors;
    refused: RefusedWrite[];
    clock: VirtualClock;
    accountId: string;
    region: string;
  },
): void {
  if (service === 's3' && options.buckets) {
    attachBucketDoors(client, { buckets: options.buckets, refused: options.refused, clock: options.clock });
    return;
  }
  if (service !== 'sqs' && service !== 'sns' && service !== 'dynamodb' && service !== 'secretsmanager') return;
  const { doors, refused, clock, accountId, region } = options;
  const tableArn = (name: string) =>
    name.startsWith('arn:') ? name : `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
  (client.middlewareStack as DoorStack).add(
    (next, context) => async (args) => {
      const principal = currentCaller();
      if (principal === undefined) return next(args);
      const action = (context.commandName ?? '').replace(/Command$/, '');
      for (const [iamAction, resource] of asks(service, action, args.input as Input, tableArn)) {
        const refusal: DoorRefusal | undefined = await refusalOf(doors, principal, iamAction, resource, {
          accountId,
          region,
        });
        if (refusal) {
          refused.push({ at: clock.iso(), principal, service, action: iamAction, resource, code: refusal.code });
          throw ERRORS[service](refusal.code, refusal.message, refusal.status);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'goldsmithLocalResourceDoors', priority: 'high' },
  );
}

/**
 * Scheduler's checks of a schedule's execution role: CreateSchedule needs the caller to hold iam:PassRole on it
 * (AccessDeniedException otherwise), and Scheduler assumes it with the schedule's ARN as `aws:SourceArn` when the
 * schedule runs (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html, execution role;
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
 */
export function schedulerRoleCheck(doors: ResourceDoors) {
  return async (roleArn: string, scheduleArn: string): Promise<{ refusal?: Error; assumable: boolean }> => {
    const principal = currentCaller();
    if (principal !== undefined && !(await doors.mayPassRole(principal, roleArn))) {
      return {
        refusal: ERRORS.scheduler(
          'AccessDeniedException',
          `User: ${principal} is not authorized to perform: iam:PassRole on resource: ${roleArn}`,
          403,
        ),
        assumable: false,
      };
    }
    return { assumable: await doors.schedulerMayAssume(roleArn, scheduleArn) };
  };
}

import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { FAILED_INVOCATION_PREFIX } from '../core/redrive/failed-invocations.js';
import { admitRole, writersOnly } from './resource-doors.js';

/**
 * The item-level writes of DynamoDB's data plane (single, batch, transactional and PartiQL), which the ledger's
 * policy reserves to its writers: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export const LEDGER_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

/** The door the ledger's writers are registered under (stacks/resource-doors.ts). */
const LEDGER_DOOR = 'ledger';

/**
 * The ledger table's resource policy: item writes only by the roles `grantLedger` registered as writers, named by
 * `aws:PrincipalArn` (a tag would not do: anyone who may tag a role or a session, sts:TagSession, carries any tag
 * at will). The table's ARN is spelled from its name (a table's policy cannot reference the table itself); the
 * policy stays far below DynamoDB's 20 KB limit for a resource-based policy, whitespace counted, and global
 * condition keys such as `aws:PrincipalArn` are supported in it:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-considerations.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html
 */
export function ledgerResourcePolicy(scope: IConstruct, tableName: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      writersOnly(scope, LEDGER_DOOR, {
        sid: 'WritesOnlyByGoldsmithFunctions',
        actions: LEDGER_WRITE_ACTIONS,
        resource: `arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${tableName}`,
      }),
    ],
  });
}

/** The DynamoDB item calls a function may make on the ledger (the data plane's, by API name). */
export type LedgerCall =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

const WRITES: ReadonlySet<LedgerCall> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * Lets one of Goldsmith's functions make exactly `calls` on the ledger table (not its indexes: a function that
 * queries one is granted it by name), and, when one of them writes, admits its role by name through the ledger's
 * policy. The lists are the calls each function's code makes: `npm run verify` fails on a call a role lacks and
 * on a grant no code uses (scripts/verify/checks.ts).
 */
export function grantLedger(ledger: dynamodb.ITable, fn: lambda.IFunction, calls: readonly LedgerCall[]): void {
  if (calls.length === 0) throw new Error(`${fn.node.path}: a ledger grant needs at least one call`);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [...new Set(calls)].sort().map((c) => `dynamodb:${c}`),
      resources: [ledger.tableArn],
    }),
  );
  if (!calls.some((c) => WRITES.has(c))) return;
  if (!fn.role) throw new Error(`${fn.node.path} has no role to admit as a ledger writer`);
  admitRole(fn, LEDGER_DOOR, fn.role);
}

/**
 * Lets a function invoked asynchronously record its failed requests (functions/lib/failed-invocations.ts): PutItem
 * only on items whose partition key starts `FAILED-INVOCATION#` (`dynamodb:LeadingKeys`,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html), and its role admitted
 * through the ledger's policy.
 */
export function grantFailureRecords(ledger: dynamodb.ITable, fn: lambda.IFunction): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:PutItem'],
      resources: [ledger.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${FAILED_INVOCATION_PREFIX}*`] } },
    }),
  );
  if (!fn.role) throw new Error(`${fn.node.path} has no role to admit as a ledger writer`);
  admitRole(fn, LEDGER_DOOR, fn.role);
}

/**
 * Lets a function make `calls` on the ledger only on items whose partition key is one of `partitions` (`*` ends a
 * prefix): `dynamodb:LeadingKeys`, as {@link grantFailureRecords} (a chat sink's relay writes and queries its own
 * partition alone: functions/sinks/relay.ts). Its role is admitted through the ledger's policy when a call writes.
 */
export function grantLedgerPartition(
  ledger: dynamodb.ITable,
  fn: lambda.IFunction,
  calls: readonly LedgerCall[],
  partitions: readonly string[],
): void {
  if (calls.length === 0 || partitions.length === 0) {
    throw new Error(`${fn.node.path}: a ledger partition grant needs at least one call and one partition`);
  }
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [...new Set(calls)].sort().map((c) => `dynamodb:${c}`),
      resources: [ledger.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
    }),
  );
  if (!calls.some((c) => WRITES.has(c))) return;
  if (!fn.role) throw new Error(`${fn.node.path} has no role to admit as a ledger writer`);
  admitRole(fn, LEDGER_DOOR, fn.role);
}

import { Aws, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The role tag that marks Goldsmith's own ledger writers. The ledger's resource policy denies every write to a
 * principal without it, so a same-account role holding `dynamodb:*` on `*` cannot forge a decision. A role session's
 * request context carries its role's tags as `aws:PrincipalTag/...`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
 */
export const LEDGER_WRITER_TAG = 'goldsmith:ledger-writer';

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

/**
 * The ledger table's resource policy: writes only by principals tagged as Goldsmith's ledger writers. The table's
 * ARN is spelled from its name (a table's policy cannot reference the table itself). Policies and their limits:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html
 */
export function ledgerResourcePolicy(tableName: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'WritesOnlyByGoldsmithFunctions',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: LEDGER_WRITE_ACTIONS,
        resources: [`arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${tableName}`],
        conditions: { StringNotEquals: { [`aws:PrincipalTag/${LEDGER_WRITER_TAG}`]: 'true' } },
      }),
    ],
  });
}

/** The DynamoDB item calls a function may make on the ledger (the data plane's, by API name). */
export type LedgerCall =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

const WRITES: ReadonlySet<LedgerCall> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * Lets one of Goldsmith's functions make exactly `calls` on the ledger table (not its indexes: a function that
 * queries one is granted it by name), and, when one of them writes, marks its role with the tag the ledger's policy
 * asks for. The lists are the calls each function's code makes: `npm run verify` fails on a call a role lacks and
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
  if (!fn.role) throw new Error(`${fn.node.path} has no role to mark as a ledger writer`);
  Tags.of(fn.role).add(LEDGER_WRITER_TAG, 'true');
}

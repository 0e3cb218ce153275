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

/**
 * Lets one of Goldsmith's functions write the ledger (and read it, unless `writeOnly`): the grant, and the tag the
 * ledger's policy asks for.
 */
export function grantLedgerWrites(ledger: dynamodb.ITable, fn: lambda.IFunction, writeOnly = false): void {
  if (writeOnly) ledger.grantWriteData(fn);
  else ledger.grantReadWriteData(fn);
  if (!fn.role) throw new Error(`${fn.node.path} has no role to mark as a ledger writer`);
  Tags.of(fn.role).add(LEDGER_WRITER_TAG, 'true');
}

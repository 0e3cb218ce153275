import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { grantFailureRecords } from './ledger-access.js';
import { admitRole, queueDoor } from './resource-doors.js';

/**
 * Grants narrower than CDK's helpers, so each role holds exactly the calls its code makes.
 */

/**
 * Lets `fn` read one secret's value, nothing else: CDK's `grantRead` adds secretsmanager:DescribeSecret, which no
 * function calls. A secret the stacks only name (created by the user) is matched with the six random characters
 * Secrets Manager appends to its ARN
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html#auth-and-access_examples_wildcard).
 */
export function grantSecretValue(fn: lambda.IFunction, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
    }),
  );
}

/**
 * An SQS on-failure destination for asynchronous invocations that grants the function's role sqs:SendMessage on
 * the queue and nothing more: Lambda sends the failed invocation's record with the execution role, which needs only
 * that (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html); CDK's SqsDestination
 * also grants sqs:GetQueueAttributes and sqs:GetQueueUrl, which nothing calls. The queues use SQS-managed
 * encryption, so no KMS grant is needed. The function records each failed request in `ledger` before it fails
 * (functions/lib/failed-invocations.ts), which the re-drive requires before it invokes a dead letter again.
 */
export function failureQueue(queue: sqs.IQueue, ledger: dynamodb.ITable): lambda.IDestination {
  return {
    bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
      grantFailureRecords(ledger, fn);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
      // The queue's policy admits the function's role by name (stacks/resource-doors.ts).
      admitRole(queue, queueDoor(queue), fn.role);
      return { destination: queue.queueArn };
    },
  };
}

import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The role of a stack's AwsCustomResource provider (CDK's one Lambda function per stack that makes every
 * AwsCustomResource's SDK calls), with `statements` added to its one policy: pass it as `role` (and no `policy`) to
 * each AwsCustomResource of the stack. Given a `policy` instead, each AwsCustomResource adds an AWS::IAM::Policy of
 * its own to that one role: a resource per custom resource, and the same statements again in each (four custom
 * resources in each of 15 Regions made 60 policies and 240 of the Promotion stack's 528 resources, with the roles'
 * records of them), where CloudFormation allows 500 resources a stack
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html) and IAM 10,240
 * characters of inline policies a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 * The provider takes the role of the first AwsCustomResource made in the stack, so every AwsCustomResource of a stack
 * passes this one. Its log permissions come from stacks/function-logs.ts, as for every function.
 */
export function sdkCallsRole(scope: Construct, statements: readonly iam.PolicyStatement[]): iam.Role {
  const stack = Stack.of(scope);
  // Named for its stack (SST's `<stage>-<app>-<Stack>`, without the stage) as well: the same logical id in two stacks
  // names one role in the local cloud, which resolves logical ids across the app (local/simulator/intrinsics.ts).
  const id = `SdkCallsRole${(stack.node.id.split('-').at(-1) ?? '').replace(/[^A-Za-z0-9]/g, '')}`;
  const found = stack.node.tryFindChild(id);
  const role =
    found instanceof iam.Role
      ? found
      : new iam.Role(stack, id, {
          description: "Goldsmith: the role of the stack's SDK-call custom resources (CDK's AwsCustomResource)",
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        });
  for (const statement of statements) role.addToPrincipalPolicy(statement);
  return role;
}

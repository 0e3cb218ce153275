import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IDependable } from 'constructs';

/** A stack's SDK-call role, and what a custom resource waits for: the role and every policy on it. */
export interface SdkCallsRole {
  role: iam.Role;
  permissions: IDependable;
}

/**
 * The role of a stack's AwsCustomResource provider (CDK's one Lambda function per stack that makes every
 * AwsCustomResource's SDK calls), with `statements` added to one policy: pass `role` (and no `policy`) to each
 * AwsCustomResource of the stack, and make it depend on `permissions`. Given a `policy` instead, each
 * AwsCustomResource adds an AWS::IAM::Policy of its own to that one role: a resource per custom resource, and the same
 * statements again in each (four custom resources in each of 15 Regions made 60 policies and 240 of the Promotion
 * stack's 528 resources, with the roles' records of them), where CloudFormation allows 500 resources a stack
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html) and IAM 10,240
 * characters of inline policies a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 * The provider takes the role of the first AwsCustomResource made in the stack, so every AwsCustomResource of a stack
 * passes this one. Its log permissions come from stacks/function-logs.ts, as for every function.
 *
 * The provider function has the same logical id in every stack (CDK's fixed UUID), and so does this role, as CDK's
 * own provider role had; the policy is named for its stack. The local cloud resolves logical ids across the app
 * (local/simulator/intrinsics.ts), so there the stacks' providers are one function with one role holding each stack's
 * policy, as the roles' and functions' audits read them back; in AWS each stack has its own.
 */
export function sdkCallsRole(scope: Construct, statements: readonly iam.PolicyStatement[]): SdkCallsRole {
  const stack = Stack.of(scope);
  const found = stack.node.tryFindChild('SdkCalls');
  const group = found instanceof Construct ? found : new Construct(stack, 'SdkCalls');
  const existing = group.node.tryFindChild('Role');
  const role =
    existing instanceof iam.Role
      ? existing
      : new iam.Role(group, 'Role', {
          description: "Goldsmith: the role of the stack's SDK-call custom resources (CDK's AwsCustomResource)",
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        });
  // SST names a stack `<stage>-<app>-<Stack>`: the policy is named for the stack, not the stage.
  const policyId = `Policy${(stack.node.id.split('-').at(-1) ?? '').replace(/[^A-Za-z0-9]/g, '')}`;
  const policy = group.node.tryFindChild(policyId);
  (policy instanceof iam.Policy ? policy : new iam.Policy(group, policyId, { roles: [role] })).addStatements(
    ...statements,
  );
  return { role, permissions: group };
}

import { Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { useCatalog } from './catalog.js';
import { recordExpectedFunctions } from './expected-functions.js';
import { recordExpectedRoles } from './expected-roles.js';

/** The AWS managed policy SST and CDK attach to every function's role: logs:CreateLogGroup and writes on `*`. */
const BASIC_EXECUTION = 'policy/service-role/AWSLambdaBasicExecutionRole';

/**
 * Gives every Lambda function of a stack its own log group, kept `retentionDays` (the catalog's
 * `monitoring.logRetentionDays`), and lets its role write there and nowhere else: the function's `LoggingConfig`
 * names the group (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-loggingconfig.html),
 * the role gets logs:CreateLogStream and logs:PutLogEvents on that group only, and AWSLambdaBasicExecutionRole
 * (logs:CreateLogGroup on `*`, so logs that live forever) is taken off the role. Applies to functions CDK adds for
 * its own custom resources too.
 */
class FunctionLogGroups implements IAspect {
  constructor(private readonly retentionDays: number) {}

  visit(node: IConstruct): void {
    if (!(node instanceof lambda.Function)) return;
    const cfn = node.node.defaultChild;
    if (!(cfn instanceof lambda.CfnFunction) || cfn.loggingConfig !== undefined) return;
    const group = new logs.LogGroup(node, 'Logs', { retention: this.retentionDays });
    cfn.loggingConfig = { logGroup: group.logGroupName };
    const role = node.role;
    if (!(role instanceof iam.Role)) return;
    // The group's ARN attribute ends in `:*`: its log streams.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [group.logGroupArn],
      }),
    );
    const cfnRole = role.node.defaultChild;
    if (!(cfnRole instanceof iam.CfnRole)) return;
    const managed: unknown[] = Stack.of(role).resolve(cfnRole.managedPolicyArns) ?? [];
    const kept = managed.filter((arn) => !JSON.stringify(arn).includes(BASIC_EXECUTION));
    if (kept.length === managed.length) return;
    if (kept.length === 0) cfnRole.addPropertyDeletionOverride('ManagedPolicyArns');
    else cfnRole.addPropertyOverride('ManagedPolicyArns', kept);
  }
}

/**
 * Applies {@link FunctionLogGroups} to every function `stack` holds, now or later, with the catalog's retention, and
 * records each function and role as the deployment makes it, for the functions' audit (stacks/expected-functions.ts,
 * stacks/expected-roles.ts).
 */
export function ownLogGroups(stack: Stack): void {
  Aspects.of(stack).add(new FunctionLogGroups(useCatalog().monitoring.logRetentionDays));
  recordExpectedFunctions(stack);
  recordExpectedRoles(stack);
}

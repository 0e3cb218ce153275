import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { GOLDSMITH_VERSION, releaseParameterName } from '../../core/release/index.js';

/**
 * The release this deployment runs, in `/goldsmith-release/<stage>` (docs/upgrading.md), and in every stack's
 * `GoldsmithRelease` output. SST deploys stacks in parallel as their dependencies allow, so the stack that writes the
 * parameter depends on every other stack: it deploys last, once all of them have. A partial deploy leaves the
 * deployed stacks' outputs on the new release, which `preflight --stage` reads (DescribeStacks). `goldsmith status` reads it through the operators'
 * role, which may read exactly this parameter; `goldsmith preflight` with the deployer's own credentials.
 */
export function recordRelease(stack: Stack, stage: string, operatorsRole: iam.IRole): ssm.StringParameter {
  for (const other of stack.node.root.node.children) {
    if (!Stack.isStack(other)) continue;
    new CfnOutput(other, 'GoldsmithRelease', { value: GOLDSMITH_VERSION, description: 'Goldsmith release' });
    if (other !== stack) stack.addDependency(other, 'the release is recorded once every other stack has deployed');
  }
  const parameter = new ssm.StringParameter(stack, 'DeployedRelease', {
    parameterName: releaseParameterName(stage),
    stringValue: GOLDSMITH_VERSION,
    description: 'Goldsmith: the release this stage runs (preflight refuses a downgrade)',
  });
  // Kept when the stacks are removed: the retained table and schedules hold state this release wrote.
  parameter.applyRemovalPolicy(RemovalPolicy.RETAIN);
  // The ARN spelled out (not the parameter's Ref) so that the grant reads as what it allows.
  const arn = stack.formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: releaseParameterName(stage).slice(1),
  });
  operatorsRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [arn] }));
  return parameter;
}

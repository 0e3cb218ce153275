import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { UNKNOWN_COMMIT } from '../../core/release/commit.js';
import { GOLDSMITH_VERSION, releaseParameterName } from '../../core/release/index.js';

/**
 * The app context key that names the commit the stacks are built from. sst.config.ts sets it from the checkout
 * (`git rev-parse HEAD`); an in-process synthesis (the local cloud, the tests) that sets none records "unknown",
 * so its templates stay the same from one commit to the next.
 */
export const COMMIT_CONTEXT = 'goldsmith:commit';

/** The commit `stack`'s app is built from, as the app's context names it ("unknown" when it names none). */
export function builtCommit(stack: Stack): string {
  const commit: unknown = stack.node.tryGetContext(COMMIT_CONTEXT);
  return typeof commit === 'string' && /^[0-9a-f]{40}$/.test(commit) ? commit : UNKNOWN_COMMIT;
}

/**
 * The release this deployment runs, in `/goldsmith-release/<stage>` (docs/upgrading.md), and in every stack's
 * `GoldsmithRelease` output. SST deploys stacks in parallel as their dependencies allow, so the stack that writes the
 * parameter depends on every other stack: it deploys last, once all of them have. A partial deploy leaves the
 * deployed stacks' outputs on the new release, which `preflight --stage` reads (DescribeStacks). `goldsmith status` reads it through the operators'
 * role, which may read exactly this parameter; `goldsmith preflight` with the deployer's own credentials.
 * Every stack's `GoldsmithCommit` output records the commit beside the release (every commit between releases is the
 * same pre-release version): preflight refuses a checkout that does not contain it, and `npm run deploy` reads it back
 * to tell a deploy that happened from one that did not.
 */
export function recordRelease(stack: Stack, stage: string, operatorsRole: iam.IRole): ssm.StringParameter {
  for (const other of stack.node.root.node.children) {
    if (!Stack.isStack(other)) continue;
    new CfnOutput(other, 'GoldsmithRelease', { value: GOLDSMITH_VERSION, description: 'Goldsmith release' });
    // An output, not a resource: a new value updates the stack's outputs and replaces nothing.
    new CfnOutput(other, 'GoldsmithCommit', { value: builtCommit(other), description: 'Goldsmith commit' });
    if (other !== stack) stack.addDependency(other, 'the release is recorded once every other stack has deployed');
  }
  // The bare release, not `<release>+<commit>`: 0.2.0 reads this value (its status and preflight, on a rollback) and
  // takes only a plain x.y.z (0.2.0's core/release parseVersion, /^(\d+)\.(\d+)\.(\d+)$/), so build metadata would be
  // "not a semantic version" to it. The commit is in the stacks' GoldsmithCommit outputs, which preflight reads.
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

import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { type StackContext, use } from 'sst/constructs';
import { rolloutFollows } from '../core/rollout/member-role.js';
import { BASELINE_FAILURE_TOLERANCE_PERCENTAGE, memberBaselineTargets } from '../core/sharing/member-baseline.js';
import { useCatalog } from './catalog.js';
import { Factory } from './Factory.js';
import { ownLogGroups } from './function-logs.js';
import { memberFunctionCode } from './member-baseline/code.js';
import { createKeyGrantsAuditor } from './member-baseline/key-grants.js';
import { memberBaselineTemplate, ROLLOUT_ROLE_PER_STACK_PARAMETER } from './member-baseline/template.js';
import { memberBaselineStackSetName } from './names.js';

/** OUs one StackSets operation can target. */
export const MAX_OUS_PER_OPERATION = 50;

/** What `use(MemberBaseline)` gives (tests read it): the StackSet, absent when disabled or nothing to target. */
export interface MemberBaselineResources {
  stackSet: CfnStackSet | undefined;
}

/**
 * The member baseline: a service-managed StackSet, with auto-deployment, on the OUs the channels share with, in
 * every AMI Region. Each member account gets stacks/member-baseline/template.ts there — the function that gives
 * its Auto Scaling role the grant on that Region's AMI key — and an account that joins a targeted OU gets it with
 * no action; one that leaves loses it (RetainStacksOnAccountRemoval false: the grant is retired). StackSets never
 * deploys to the management account
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
 */
export function MemberBaseline({ app, stack }: StackContext): MemberBaselineResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const { amiKey } = use(Factory);
  const { enabled, callAs } = catalog.organization.memberBaseline;
  const targets = memberBaselineTargets(catalog);
  // The key's grants are counted whether or not the baseline deploys: teams make them by hand too.
  const deploys = enabled && targets.ous.length > 0 && targets.regions.length > 0;
  if (targets.regions.length > 0)
    createKeyGrantsAuditor(stack, {
      catalog,
      stage: app.stage,
      key: amiKey,
      regions: targets.regions,
      ...(deploys && { stackSetName: memberBaselineStackSetName(app.stage) }),
    });
  if (!deploys) return { stackSet: undefined };
  // "The maximum number of organizational units (OUs) supported by a CreateStackInstances operation is 50."
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html)
  if (targets.ous.length > MAX_OUS_PER_OPERATION) {
    throw new Error(
      `channels[].targets.ous: the member baseline can deploy to at most ${MAX_OUS_PER_OPERATION} OUs, the channels name ${targets.ous.length}: target parent OUs (StackSets reaches the OUs below them), or set organization.memberBaseline.enabled to false`,
    );
  }
  // A channel that rolls out: each member account also gets the rollout role (core/rollout/member-role.ts),
  // declared by its instance in the first Region, a role being global.
  const follows = rolloutFollows(catalog);
  const rollout =
    follows.length > 0
      ? {
          stage: app.stage,
          organizationId: catalog.organization.id,
          region: targets.regions[0] ?? stack.region,
          follows,
        }
      : undefined;
  const stackSet = new CfnStackSet(stack, 'MemberBaselineStackSet', {
    stackSetName: memberBaselineStackSetName(app.stage),
    description: 'Goldsmith member baseline: each member account’s Auto Scaling role gets its grant on the AMI key',
    permissionModel: 'SERVICE_MANAGED',
    callAs,
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    // Let one stack set operation finish before the next: an auto-deployment queued behind an update runs after it.
    managedExecution: { Active: true },
    // The rollout role has a name (the engine assumes it by ARN, found from the stack instance's id): CAPABILITY_NAMED_IAM.
    capabilities: [rollout ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'],
    // For operations we start (create, update); auto-deployments ignore them
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html).
    operationPreferences: {
      regionConcurrencyType: 'PARALLEL',
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: BASELINE_FAILURE_TOLERANCE_PERCENTAGE,
    },
    stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: targets.ous }, regions: targets.regions }],
    parameters: [
      { parameterKey: 'AmiKeyId', parameterValue: amiKey.keyId },
      { parameterKey: 'FactoryAccount', parameterValue: stack.account },
      ...(rollout ? [{ parameterKey: ROLLOUT_ROLE_PER_STACK_PARAMETER, parameterValue: 'true' }] : []),
    ],
    templateBody: JSON.stringify(memberBaselineTemplate(memberFunctionCode(), rollout)),
  });
  // Retained: deleting the StackSet (sst remove, a replacement) deletes every stack instance, retiring the members'
  // grants on the AMI key, so consumers could no longer launch the encrypted AMIs (docs/deploy.md).
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
  stackSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
  stack.addOutputs({ MemberBaselineStackSet: memberBaselineStackSetName(app.stage) });
  return { stackSet };
}

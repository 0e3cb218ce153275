import { paginateListStackResources, type Stack } from '@aws-sdk/client-cloudformation';
import type { DeployedRole } from '../../core/scp/names.js';
import { cloudFormationClient } from '../clients/cloudformation.js';
import { accountStacks, type StageStacks, stageStacks } from './preflight-stacks.js';

/** The CDK execution role, as the bootstrap names it (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`). */
const CDK_EXEC_ROLE = /:role\/cdk-[^/]*-cfn-exec-role-/;

/**
 * The IAM roles the stage's stacks deployed, by name as CloudFormation gave it (a generated name may be trimmed:
 * core/scp/names.ts): each stack's resources of type `AWS::IAM::Role`, their PhysicalResourceId being the role's
 * name, read with ListStackResources and its paginator (cloudformation:ListStackResources, 1 call a page;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html), after DescribeStacks
 * found the stage's stacks (preflight-stacks.ts; `stacks`, when the caller read them already).
 */
export async function deployedRoles(
  stage: string,
  region: string,
  stacks: Promise<StageStacks> = stageStacks(stage, region),
): Promise<DeployedRole[]> {
  const client = cloudFormationClient(region);
  const roles: DeployedRole[] = [];
  for (const stack of (await stacks).stacks) {
    for await (const page of paginateListStackResources({ client }, { StackName: stack.name })) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.ResourceType === 'AWS::IAM::Role' && r.LogicalResourceId && r.PhysicalResourceId)
          roles.push({ stack: stack.name, logicalId: r.LogicalResourceId, name: r.PhysicalResourceId });
      }
    }
  }
  return roles;
}

/**
 * The stacks of the account in `region` that are not the stage's (nor `SSTBootstrap`) but were given the CDK
 * execution role: CloudFormation keeps using a stack's role for an update that names none ("If you don't specify a
 * value, CloudFormation uses the role that was previously associated with the stack":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html), which the SCP's
 * `ExecRoleOnlyForGoldsmithStacks` cannot see. DescribeStacks' `RoleARN` of every stack (`all`, when the caller
 * read them already). (The quote is CreateChangeSet's `RoleARN`; UpdateStack's says the same.)
 */
export async function stacksWithExecRole(
  stage: string,
  region: string,
  all: Promise<Stack[]> = accountStacks(region),
): Promise<string[]> {
  return (await all)
    .filter((s) => {
      const name = s.StackName ?? '';
      if (name.startsWith(`${stage}-goldsmith-`) || name === 'SSTBootstrap') return false;
      return s.RoleARN !== undefined && CDK_EXEC_ROLE.test(s.RoleARN);
    })
    .map((s) => s.StackName ?? '');
}

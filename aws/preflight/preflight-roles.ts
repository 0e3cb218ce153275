import { paginateListStackResources } from '@aws-sdk/client-cloudformation';
import type { DeployedRole } from '../../core/scp/names.js';
import { cloudFormationClient } from '../clients/cloudformation.js';
import { stageStacks } from './preflight-stacks.js';

/**
 * The IAM roles the stage's stacks deployed, by name as CloudFormation gave it (a generated name may be trimmed:
 * core/scp/names.ts): each stack's resources of type `AWS::IAM::Role`, their PhysicalResourceId being the role's
 * name, read with ListStackResources and its paginator (cloudformation:ListStackResources, 1 call a page;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html), after DescribeStacks
 * found the stage's stacks (preflight-stacks.ts).
 */
export async function deployedRoles(stage: string, region: string): Promise<DeployedRole[]> {
  const client = cloudFormationClient(region);
  const roles: DeployedRole[] = [];
  for (const stack of (await stageStacks(stage, region)).stacks) {
    for await (const page of paginateListStackResources({ client }, { StackName: stack.name })) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.ResourceType === 'AWS::IAM::Role' && r.LogicalResourceId && r.PhysicalResourceId)
          roles.push({ stack: stack.name, logicalId: r.LogicalResourceId, name: r.PhysicalResourceId });
      }
    }
  }
  return roles;
}

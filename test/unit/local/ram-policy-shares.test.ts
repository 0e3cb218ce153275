import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  GetResourceSharesCommand,
  ListResourcesCommand,
} from '@aws-sdk/client-ram';
import { DeleteResourcePolicyCommand, PutParameterCommand, PutResourcePolicyCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { ramClient } from '../../../aws/clients/ram.js';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

/**
 * RAM's shares made from resource policies, as the fakes model them: a policy put on a parameter makes a share of
 * feature set CREATED_FROM_POLICY that its owner sees (GetResourceShares, ListResources), RAM refuses to change, and
 * that ends with the policy.
 */

const R = 'eu-west-1';
const STRANGER = '444455556666';
const PARAM = '/goldsmith/base/dev';
const PARAM_ARN = `arn:aws:ssm:${R}:${ACCOUNT}:parameter${PARAM}`;
const OTHER_ARN = `arn:aws:ssm:${R}:${ACCOUNT}:parameter/goldsmith/base/prod`;
const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: STRANGER }, Action: 'ssm:GetParameter', Resource: PARAM_ARN }],
});
const listed = async (input: Partial<ConstructorParameters<typeof ListResourcesCommand>[0]> = {}) =>
  (
    await ramClient(R).send(
      new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'ssm:Parameter', ...input }),
    )
  ).resources ?? [];

async function parameters() {
  for (const name of [PARAM, '/goldsmith/base/prod']) {
    await ssmClient(R).send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String', Tier: 'Advanced' }));
  }
}

describe("RAM's shares made from resource policies", () => {
  afterEach(resetClients);

  it('lists the parameter in a CREATED_FROM_POLICY share beside a standard one, and ends that share with the policy', async () => {
    localCloud();
    await parameters();
    const standard = await ramClient(R).send(
      new CreateResourceShareCommand({ name: 'goldsmith-pointers-dev', resourceArns: [PARAM_ARN, OTHER_ARN] }),
    );
    const put = await ssmClient(R).send(new PutResourcePolicyCommand({ ResourceArn: PARAM_ARN, Policy: policy }));

    const resources = await listed();
    const fromPolicy = resources.find((r) => r.resourceShareArn !== standard.resourceShare?.resourceShareArn);
    expect(resources.map((r) => r.arn).sort()).toEqual([PARAM_ARN, PARAM_ARN, OTHER_ARN].sort());
    expect(fromPolicy).toMatchObject({ arn: PARAM_ARN, type: 'ssm:Parameter', status: 'AVAILABLE' });
    const shares = await ramClient(R).send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }));
    expect(shares.resourceShares?.map((s) => s.featureSet).sort()).toEqual(['CREATED_FROM_POLICY', 'STANDARD']);
    expect(await listed({ resourceShareArns: [fromPolicy?.resourceShareArn ?? ''] })).toHaveLength(1);
    expect(await listed({ resourceArns: [OTHER_ARN] })).toHaveLength(1);
    expect(await listed({ resourceType: 'ec2:Subnet' })).toEqual([]);
    expect(await listed({ resourceOwner: 'OTHER-ACCOUNTS' })).toEqual([]);

    // "the associated resource share can't be modified by using AWS RAM"
    await expect(
      ramClient(R).send(
        new AssociateResourceShareCommand({
          resourceShareArn: fromPolicy?.resourceShareArn ?? '',
          resourceArns: [OTHER_ARN],
        }),
      ),
    ).rejects.toMatchObject({ name: 'OperationNotPermittedException' });

    await ssmClient(R).send(
      new DeleteResourcePolicyCommand({ ResourceArn: PARAM_ARN, PolicyId: put.PolicyId, PolicyHash: put.PolicyHash }),
    );
    expect((await listed()).map((r) => r.resourceShareArn)).toEqual([
      standard.resourceShare?.resourceShareArn,
      standard.resourceShare?.resourceShareArn,
    ]);
  });

  it('pages the resources it lists', async () => {
    localCloud();
    await parameters();
    await ramClient(R).send(new CreateResourceShareCommand({ name: 'p', resourceArns: [PARAM_ARN, OTHER_ARN] }));
    const first = await ramClient(R).send(
      new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'ssm:Parameter', maxResults: 1 }),
    );
    expect(first.resources).toHaveLength(1);
    expect(first.nextToken).toBeDefined();
    const second = await ramClient(R).send(
      new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'ssm:Parameter', nextToken: first.nextToken }),
    );
    expect([first.resources?.[0]?.arn, second.resources?.[0]?.arn].sort()).toEqual([OTHER_ARN, PARAM_ARN].sort());
  });
});

import {
  DeleteParameterCommand,
  DeleteResourcePolicyCommand,
  GetResourcePoliciesCommand,
  PutParameterCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const ssm = () => ssmClient(R);
const NAME = '/goldsmith/base/dev';
const ARN = `arn:aws:ssm:${R}:${ACCOUNT}:parameter${NAME}`;
const policy = (account: string, pad = '') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: `Read${pad}`, Effect: 'Allow', Principal: { AWS: account }, Action: 'ssm:GetParameter', Resource: ARN },
    ],
  });
/** PutParameter's bucket is small (3/s): later puts wait on the virtual clock. */
let put: (Tier: 'Standard' | 'Advanced') => Promise<unknown>;
function start() {
  const cloud = localCloud();
  put = (Tier) => {
    const command = new PutParameterCommand({ Name: NAME, Value: 'x', Type: 'String', Tier, Overwrite: true });
    return cloud.clock.runUntilSettled(cloud.clock.track(() => ssm().send(command)));
  };
  return cloud;
}

describe("SsmFake: parameters' resource policies", () => {
  afterEach(resetClients);

  it('lets an account a policy names read an advanced parameter by ARN, until the policy is deleted', async () => {
    const { fakes } = start();
    await put('Advanced');
    const readBy = (account: string) => fakes.ssm.readAs(account, R, ARN, () => new Set());
    expect(readBy('444455556666')).toBeUndefined();
    const made = await ssm().send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: policy('444455556666') }));
    expect(readBy('444455556666')).toBe('x');
    const held = await ssm().send(new GetResourcePoliciesCommand({ ResourceArn: ARN }));
    expect(held.Policies).toEqual([
      { PolicyId: made.PolicyId, PolicyHash: made.PolicyHash, Policy: policy('444455556666') },
    ]);
    await ssm().send(
      new DeleteResourcePolicyCommand({ ResourceArn: ARN, PolicyId: made.PolicyId, PolicyHash: made.PolicyHash }),
    );
    expect((await ssm().send(new GetResourcePoliciesCommand({ ResourceArn: ARN }))).Policies).toEqual([]);
    expect(readBy('444455556666')).toBeUndefined();
  });

  it('refuses a standard parameter, a policy over 1,024 bytes, one that is no JSON, and an unknown parameter', async () => {
    const { clock } = start();
    await put('Standard');
    const putPolicy = (Policy: string, ResourceArn = ARN) =>
      clock.runUntilSettled(clock.track(() => ssm().send(new PutResourcePolicyCommand({ ResourceArn, Policy }))));
    await expect(putPolicy(policy('444455556666'))).rejects.toMatchObject({
      name: 'ResourcePolicyInvalidParameterException',
    });
    await put('Advanced');
    await expect(putPolicy(policy('444455556666', 'x'.repeat(1024)))).rejects.toMatchObject({
      name: 'ResourcePolicyLimitExceededException',
    });
    await expect(putPolicy('{"Statement":')).rejects.toMatchObject({
      name: 'MalformedResourcePolicyDocumentException',
    });
    await expect(putPolicy(policy('444455556666'), `${ARN}-gone`)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('updates and deletes a policy only with its current hash, and forgets the policies of a deleted parameter', async () => {
    start();
    await put('Advanced');
    const first = await ssm().send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: policy('444455556666') }));
    const second = await ssm().send(
      new PutResourcePolicyCommand({
        ResourceArn: ARN,
        Policy: policy('777788889999'),
        PolicyId: first.PolicyId,
        PolicyHash: first.PolicyHash,
      }),
    );
    expect(second.PolicyId).toBe(first.PolicyId);
    expect(second.PolicyHash).not.toBe(first.PolicyHash);
    const remove = (PolicyId = first.PolicyId, PolicyHash = first.PolicyHash) =>
      ssm().send(new DeleteResourcePolicyCommand({ ResourceArn: ARN, PolicyId, PolicyHash }));
    await expect(remove()).rejects.toMatchObject({ name: 'ResourcePolicyConflictException' });
    await expect(remove('policy-none', second.PolicyHash)).rejects.toMatchObject({
      name: 'ResourcePolicyNotFoundException',
    });
    await ssm().send(new DeleteParameterCommand({ Name: NAME }));
    await put('Advanced');
    expect((await ssm().send(new GetResourcePoliciesCommand({ ResourceArn: ARN }))).Policies).toEqual([]);
  });
});

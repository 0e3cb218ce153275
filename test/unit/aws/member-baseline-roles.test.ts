import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { type RolloutRoleLookup, rolloutRoleIdentity } from '../../../aws/member-baseline-roles.js';
import { mockClient } from '../../helpers/mock-client.js';

const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const ACCOUNT = '200000000001';
const LOOKUP: RolloutRoleLookup = {
  stackSetName: 'goldsmith-prod-member-baseline',
  callAs: 'DELEGATED_ADMIN',
  roleRegion: 'eu-west-1',
  roleName: 'goldsmith-prod-rollout',
};
const stack = (uuid: string) =>
  `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/StackSet-goldsmith-prod-member-baseline-x/${uuid}`;
const OLD = stack('0ld00000-1111-4222-8333-444455556666');
const NEW = stack('5e700000-1111-4222-8333-444455556666');
const credentials = {
  AccessKeyId: 'ASIA',
  SecretAccessKey: 's',
  SessionToken: 't',
  Expiration: new Date(Date.UTC(2100, 0)),
};
const denied = () => Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
const assumed = () => sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn);

describe('finding an account’s rollout role from its stack instances', () => {
  beforeEach(() => {
    cfn.reset();
    sts.reset();
  });

  it('assumes the role of the instance whose last operation succeeded, not the one being deleted', async () => {
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [
        { StackId: OLD, Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'RUNNING' } },
        { StackId: NEW, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
      ],
    });
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    await rolloutRoleIdentity(LOOKUP, ACCOUNT, 'move-1').credentials();
    expect(cfn.commandCalls(ListStackInstancesCommand)[0]?.args[0].input).toEqual({
      StackSetName: LOOKUP.stackSetName,
      StackInstanceAccount: ACCOUNT,
      StackInstanceRegion: 'eu-west-1',
      CallAs: 'DELEGATED_ADMIN',
    });
    expect(assumed()).toEqual([`arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-5e700000`]);
  });

  it('goes on to the next name when STS refuses one, and to the plain name of a stack deployed by hand', async () => {
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [{ StackId: OLD, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } }],
    });
    sts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-0ld00000` })
      .rejects(denied())
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout` })
      .resolves({ Credentials: credentials });
    await rolloutRoleIdentity(LOOKUP, ACCOUNT, 'move-2').credentials();
    expect(assumed()).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-0ld00000`,
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout`,
    ]);
  });

  it('throws throttling rather than trying another role', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [{ StackId: NEW, Status: 'CURRENT' }] });
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(rolloutRoleIdentity(LOOKUP, ACCOUNT, 'move-3').credentials()).rejects.toMatchObject({
      name: 'Throttling',
    });
    expect(assumed()).toHaveLength(1);
  });
});

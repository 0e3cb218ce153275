import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  heldRolloutRoles,
  holdRolloutRoles,
  type RolloutRoleLookup,
  rolloutRole,
} from '../../../aws/rollout/member-baseline-roles.js';
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
const assume = (session: string) => rolloutRole(LOOKUP, ACCOUNT, session).identity();
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
    await assume('move-1');
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
    await assume('move-2');
    expect(assumed()).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-0ld00000`,
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout`,
    ]);
  });

  it('throws throttling rather than trying another role', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [{ StackId: NEW, Status: 'CURRENT' }] });
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(assume('move-3')).rejects.toMatchObject({
      name: 'Throttling',
    });
    expect(assumed()).toHaveLength(1);
  });

  it('finds the role once per session: a later client, or a saved container held again, lists no instances', async () => {
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [{ StackId: NEW, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } }],
    });
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    await assume('move-4');
    await assume('move-4');
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(1);
    const held = heldRolloutRoles();
    expect(held[`${ACCOUNT}/goldsmith-prod-rollout/move-4`]).toBe('goldsmith-prod-rollout-5e700000');
    holdRolloutRoles({ [`${ACCOUNT}/goldsmith-prod-rollout/move-5`]: 'goldsmith-prod-rollout-5e700000' });
    await assume('move-5');
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(1);
    expect(assumed().at(-1)).toBe(`arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-5e700000`);
  });

  it('lists the instances again once STS refuses the role it found, and assumes the one that replaced it', async () => {
    const shortLived = { ...credentials, Expiration: new Date(Date.now() + 60_000) };
    cfn
      .on(ListStackInstancesCommand)
      .resolvesOnce({
        Summaries: [{ StackId: OLD, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } }],
      })
      .resolves({
        Summaries: [{ StackId: NEW, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } }],
      });
    sts.on(AssumeRoleCommand).resolvesOnce({ Credentials: shortLived }).rejectsOnce(denied()).resolves({
      Credentials: shortLived,
    });
    await assume('move-6');
    await assume('move-6');
    expect(assumed()).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-0ld00000`,
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-0ld00000`,
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-5e700000`,
    ]);
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(2);
  });

  it('prefers the instance being created to the one being deleted while an account moves between OUs', async () => {
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [
        { StackId: OLD, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'RUNNING' } },
        { StackId: NEW, Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'RUNNING' } },
      ],
    });
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    await assume('move-7');
    expect(assumed()).toEqual([`arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rollout-5e700000`]);
  });
});

import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseCheck } from '../../../aws/preflight/preflight-release.js';
import { mockClient } from '../../helpers/mock-client.js';

const ssm = mockClient(SSMClient);
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => {
  ssm.reset();
  cloudFormation.reset();
});

const stack = (name: string, status: string, release?: string): Stack =>
  ({
    StackName: name,
    StackStatus: status,
    CreationTime: new Date(0),
    Outputs: release === undefined ? [] : [{ OutputKey: 'GoldsmithRelease', OutputValue: release }],
  }) as Stack;

describe("preflight --stage: the release across the stage's stacks", () => {
  it('takes the newest release a stack records over the parameter (a partial deploy), across pages', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
    cloudFormation
      .on(DescribeStacksCommand, { NextToken: undefined })
      .resolves({ Stacks: [stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.2.0')], NextToken: 'p2' })
      .on(DescribeStacksCommand, { NextToken: 'p2' })
      .resolves({
        Stacks: [
          stack('prod-goldsmith-Promotion', 'UPDATE_COMPLETE', '0.3.0'),
          stack('dev-goldsmith-Promotion', 'UPDATE_COMPLETE', '0.9.0'),
        ],
      });
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('stage prod runs 0.3.0'),
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(2);
  });

  it('refuses while a stack of the stage is failed or rolled back, naming it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.2.0'),
        stack('prod-goldsmith-Promotion', 'UPDATE_ROLLBACK_FAILED', '0.2.0'),
      ],
    });
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toEqual({
      name: 'release',
      status: 'missing',
      detail:
        'stage prod: prod-goldsmith-Promotion is UPDATE_ROLLBACK_FAILED: a deploy is refused until every stack is settled (continue or roll back the failed deploy first)',
    });
  });

  it('refuses a missing parameter while the stacks record a release, and lets a first deploy through', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.2.0')] });
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('/goldsmith-release/prod is missing: refused'),
    });
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({ status: 'ok' });
  });

  it("refuses when the stage's stacks cannot be read", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'missing',
      detail: "cannot read stage prod's stacks in eu-west-1 (AccessDenied: no): refused",
    });
  });
});

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

  it('refuses while a stack of the stage is failed, naming it with the command that continues its rollback', async () => {
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
        'stage prod: prod-goldsmith-Promotion is UPDATE_ROLLBACK_FAILED (a failed update could not be rolled back: fix what its events name, then aws cloudformation continue-update-rollback --stack-name prod-goldsmith-Promotion --region eu-west-1): a deploy is refused until every stack is settled (docs/upgrading.md, "A deploy failed")',
    });
  });

  it('is ready after a failed deploy rolled back (UPDATE_ROLLBACK_COMPLETE): the rolled-back stack records the release it runs again', async () => {
    // One sst deploy of 0.3.0 over 0.2.0 failed in the member baseline: the stacks deployed before it record 0.3.0,
    // the rolled-back one its previous template's 0.2.0, and Trust (the parameter's writer, deployed last) 0.2.0.
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.3.0'),
        stack('prod-goldsmith-MemberBaseline', 'UPDATE_ROLLBACK_COMPLETE', '0.2.0'),
        stack('prod-goldsmith-Trust', 'UPDATE_COMPLETE', '0.2.0'),
      ],
    });
    expect(await releaseCheck('prod', 'eu-west-1', '0.3.0')).toEqual({
      name: 'release',
      status: 'ok',
      detail: "stage prod runs 0.3.0, this checkout's release",
    });
    // Retrying with the release the stage ran before the failed deploy is a downgrade of the stacks that did update.
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('a downgrade is refused'),
    });
    // Every stack rolled back: the stage runs 0.2.0 again, and deploying 0.3.0 is an upgrade.
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [stack('prod-goldsmith-MemberBaseline', 'UPDATE_ROLLBACK_COMPLETE', '0.2.0')],
    });
    expect(await releaseCheck('prod', 'eu-west-1', '0.3.0')).toMatchObject({
      status: 'ok',
      detail: 'stage prod runs 0.2.0: deploying 0.3.0 upgrades it',
    });
  });

  it('refuses a stack whose first create rolled back, with the delete-stack command, and one under way with a wait', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        stack('prod-goldsmith-AuditPolicies', 'ROLLBACK_COMPLETE'),
        stack('prod-goldsmith-Trust', 'UPDATE_IN_PROGRESS', '0.2.0'),
      ],
    });
    const check = await releaseCheck('prod', 'eu-west-1', '0.3.0');
    expect(check.status).toBe('missing');
    expect(check.detail).toContain(
      'prod-goldsmith-AuditPolicies is ROLLBACK_COMPLETE (a first create failed and was rolled back: such a stack can only be deleted (the next deploy creates it): aws cloudformation delete-stack --stack-name prod-goldsmith-AuditPolicies --region eu-west-1)',
    );
    expect(check.detail).toContain(
      'prod-goldsmith-Trust is UPDATE_IN_PROGRESS (an operation is under way: wait for it to end, then re-run preflight)',
    );
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

  it('refuses a parameter newer than every release the stacks record (no deploy leaves one), naming both and the history', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.3.0' } });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.2.0'),
        stack('prod-goldsmith-Trust', 'UPDATE_COMPLETE', '0.2.0'),
      ],
    });
    expect(await releaseCheck('prod', 'eu-west-1', '0.3.0')).toEqual({
      name: 'release',
      status: 'missing',
      detail:
        "/goldsmith-release/prod holds 0.3.0 but stage prod's stacks record at most 0.2.0: the Trust stack writes it after every other stack deploys, so it was changed outside a deploy (or Trust was deployed alone, with a stack filter): check who wrote it (aws ssm get-parameter-history --name /goldsmith-release/prod --region eu-west-1); refused, the upgrade's steps from 0.2.0 would otherwise be skipped",
    });
    // Trust deployed alone at 0.3.0 records it too: not a forgery (the upgrade's steps count from the oldest stack).
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        stack('prod-goldsmith-Ledger', 'UPDATE_COMPLETE', '0.2.0'),
        stack('prod-goldsmith-Trust', 'UPDATE_COMPLETE', '0.3.0'),
      ],
    });
    expect(await releaseCheck('prod', 'eu-west-1', '0.3.0')).toMatchObject({ status: 'ok' });
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

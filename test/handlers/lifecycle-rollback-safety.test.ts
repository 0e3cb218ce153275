import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { rollbackChannel } from '../../functions/lifecycle/rollback.js';
import { arnOf, build, ledger, NOW, promoted, useLifecycleWorld } from './lifecycle-fixtures.js';
import { plans } from './promotion-fixtures.js';

const { ddb, ec2, ssm, sns, imagebuilder } = useLifecycleWorld();

/**
 * base 1.0.0/1, /2 and /3, each promoted to prod (no soak, no approval left), prod rolled back to 1.0.0/2: /3 lies
 * ahead (a roll-forward), /1 behind. `extra` marks a build, `revocations` are the image's REVOCATION# items.
 */
function prodOnTwo(extra: Record<string, Record<string, unknown>> = {}, revocations: Record<string, unknown>[] = []) {
  const versions = ['1.0.0/1', '1.0.0/2', '1.0.0/3'];
  ledger({
    builds: versions.map((v) => build(v, extra[v])),
    outcomes: versions.map((v, i) => promoted(v, 'prod', `2027-02-0${i + 1}T00:00:00Z`, i + 1)),
    revocations,
    pointers: { prod: '1.0.0/2' },
  });
}

const rollback = (to?: string) =>
  rollbackChannel(
    { image: 'base', channel: 'prod', from: '1.0.0/2', to, reason: 'CHG-7', by: 'ops-lead', at: NOW },
    plans,
  );

/** Nothing moved: no grant, no pointer, no record, no announcement. */
function expectNothingChanged(): void {
  expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
  expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  expect(ddb).not.toHaveReceivedCommand(PutCommand);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
}

describe("rollbackChannel: what prod's gates would say today", () => {
  it('refuses to roll forward to a version built on a revoked base, changing nothing', async () => {
    prodOnTwo({ '1.0.0/3': { flaggedReason: 'built on revoked al2023-base 1.0.0/5' } });

    expect(await rollback('1.0.0/3')).toEqual({
      outcome: 'refused',
      image: 'base',
      channel: 'prod',
      reason:
        '1.0.0/3 is held by its lineage (built on revoked al2023-base 1.0.0/5): a held version goes on no channel ' +
        'again; its replacement is promoted instead (goldsmith history base shows where it stands), or goldsmith build base',
    });
    expectNothingChanged();
  });

  it('refuses to roll back (by default, to the newest earlier version) to one whose revocation is requested', async () => {
    const reason = "1 critical finding exceeds the channel's maximum of 0";
    prodOnTwo({}, [{ version: '1.0.0/1', state: 'requested', reason, channels: ['prod'], at: '2027-02-25T00:00:00Z' }]);

    expect(await rollback()).toMatchObject({
      outcome: 'refused',
      reason:
        `1.0.0/1 has a revocation requested (${reason}): goldsmith revoke base 1.0.0/1 --reason R carries it out; ` +
        "a fixed version comes from goldsmith build base through prod's gates",
    });
    expectNothingChanged();
    // The revocations read strongly consistent: a request recorded a moment before the rollback is in the answer.
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'REVOCATION#' },
      ConsistentRead: true,
    });
  });

  it('refuses a version due to be revoked, and takes it once that revocation is called off', async () => {
    prodOnTwo();
    const scheduled = {
      image: 'base',
      version: '1.0.0/3',
      reason: 'end of support',
      dueAt: '2027-03-05T00:00:00Z',
      openWork: 'scheduled-revocation',
    };
    const key = { Key: { pk: 'IMAGE#base', sk: 'REVOKE-AT#1.0.0/3' } };
    ddb.on(GetCommand, key).resolves({ Item: scheduled });

    expect(await rollback('1.0.0/3')).toMatchObject({
      outcome: 'refused',
      reason:
        '1.0.0/3 is due to be revoked at 2027-03-05T00:00:00Z (end of support): goldsmith revoke base 1.0.0/3 ' +
        '--cancel --reason R calls that off first',
    });
    expectNothingChanged();

    const { openWork: _, ...cancelled } = scheduled;
    ddb.on(GetCommand, key).resolves({ Item: { ...cancelled, cancelledAt: '2027-03-01T09:00:00Z' } });
    expect(await rollback('1.0.0/3')).toMatchObject({ outcome: 'rolled-forward', to: '1.0.0/3' });
  });

  it("refuses, either way, a version whose findings now break prod's policy: recorded since, or Image Builder's scan", async () => {
    prodOnTwo();
    // Within the policy when they were promoted: a HIGH recorded since for /1, a CRITICAL in /3's scan.
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'FINDINGS#1.0.0/1#' } })
      .resolves({ Items: [{ severity: 'HIGH' }] });
    imagebuilder
      .on(ListImageScanFindingsCommand, { filters: [{ name: 'imageBuildVersionArn', values: [arnOf('1.0.0/3')] }] })
      .resolves({ findings: [{ severity: 'CRITICAL' }] });

    expect(await rollback('1.0.0/1')).toMatchObject({
      outcome: 'refused',
      reason:
        "1.0.0/1 fails prod's vulnerability policy now (1 high finding exceeds the channel's maximum of 0): " +
        'goldsmith build base makes a patched version, which reaches prod through its gates',
    });
    expect(await rollback('1.0.0/3')).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^1\.0\.0\/3 fails prod's vulnerability policy now \(1 critical finding exceeds/),
    });
    expectNothingChanged();
  });

  it('rolls forward to a version the gates would take today, announced as a roll-forward with its reason', async () => {
    prodOnTwo();

    expect(await rollback('1.0.0/3')).toMatchObject({ outcome: 'rolled-forward', from: '1.0.0/2', to: '1.0.0/3' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: 'base/prod: rolled forward to 1.0.0/3',
      Message: expect.stringContaining('newer: a roll-forward by ops-lead: CHG-7'),
    });
  });
});

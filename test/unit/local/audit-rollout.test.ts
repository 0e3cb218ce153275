import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accountsUnderAt,
  auditRollout,
  type RolloutRecords,
  wavesFromCatalog,
} from '../../../local/simulator/audit-rollout.js';
import { resetClients } from './helpers.js';
import { MEMBER, memberClients, memberGroup, rolloutCloud } from './rollout-member.js';

afterEach(resetClients);

const MIN = 60_000;
const CANARY = '200000000009';

function records(cloud: ReturnType<typeof rolloutCloud>): RolloutRecords {
  const templates = cloud.fakes.ec2.templates;
  if (!templates) throw new Error('no launch templates');
  const { autoscaling } = cloud.fakes;
  return { calls: autoscaling.calls, templateChanges: templates.changes, refreshes: autoscaling.refreshes, templates };
}

/** A refresh of `group` to a new version described as the contract says, by the rollout role. */
async function rollOut(cloud: ReturnType<typeof rolloutCloud>, group: string, ami: string) {
  const { autoscaling, ec2 } = await memberClients(cloud);
  const g = cloud.fakes.autoscaling.groups.get(MEMBER, 'eu-west-1', group);
  if (!g) throw new Error(group);
  const v = await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: g.launchTemplate.id,
      SourceVersion: '1',
      LaunchTemplateData: { ImageId: ami },
      VersionDescription: 'goldsmith base prod 1.0.0/2',
    }),
  );
  await autoscaling.send(
    new StartInstanceRefreshCommand({
      AutoScalingGroupName: group,
      DesiredConfiguration: {
        LaunchTemplate: {
          LaunchTemplateId: g.launchTemplate.id,
          Version: String(v.LaunchTemplateVersion?.VersionNumber),
        },
      },
      Preferences: { AutoRollback: true, InstanceWarmup: 0 },
    }),
  );
}

describe('the rollout audit', () => {
  it('passes with no rollout at all, and for a refresh of a tagged group', async () => {
    const cloud = rolloutCloud();
    expect(auditRollout(records(cloud), () => undefined).problems).toEqual([]);
    memberGroup(cloud, 'web', cloud.share('base-1'));
    await rollOut(cloud, 'web', cloud.share('base-2'));
    const audit = auditRollout(records(cloud), () => undefined);
    expect(audit.problems).toEqual([]);
    expect(audit.checks['rollout-opt-in-only']).toBe(2);
  });

  it('finds a group whose template lacks the tag refreshed by the rollout role, and a template version made on an untagged template', async () => {
    const cloud = rolloutCloud();
    const { template } = memberGroup(cloud, 'web', cloud.share('base-1'));
    await rollOut(cloud, 'web', cloud.share('base-2'));
    // Hand-made bad state: the records as if the template had carried no tag when the role acted on it.
    const bad = records(cloud);
    const calls = bad.calls.map((c) => ({ ...c, templateTags: {} }));
    const templateChanges = bad.templateChanges.map((t) => ({ ...t, tags: {} }));
    const audit = auditRollout({ ...bad, calls, templateChanges }, () => undefined);
    expect(audit.problems).toEqual([
      expect.stringMatching(/called StartInstanceRefresh on web .* lacks goldsmith:follow/),
      expect.stringMatching(new RegExp(`created version 2 of ${template.id} .* without goldsmith:follow`)),
    ]);
    // The same calls by anyone else (the member team) are not the audit's business.
    const team = calls.map((c) => ({ ...c, principal: `arn:aws:sts::${MEMBER}:assumed-role/platform-team/alice` }));
    expect(auditRollout({ ...bad, calls: team, templateChanges: [] }, () => undefined).problems).toEqual([]);
  });

  it('finds a wave started before the wave before it was Successful', async () => {
    const cloud = rolloutCloud();
    const v1 = cloud.share('base-1');
    const v2 = cloud.share('base-2');
    memberGroup(cloud, 'canary-web', v1, { instances: 1 });
    memberGroup(cloud, 'wave1-web', v1, { instances: 1 });
    await rollOut(cloud, 'canary-web', v2);
    await rollOut(cloud, 'wave1-web', v2);
    // Hand-made: the canary group lives in another account, the canary wave.
    const recs = records(cloud);
    const canary = recs.refreshes.find((r) => r.group.name === 'canary-web');
    if (!canary) throw new Error('no canary refresh');
    const moved = recs.refreshes.map((r) => (r === canary ? { ...r, group: { ...r.group, account: CANARY } } : r));
    const waves = () => [new Set([CANARY]), new Set([MEMBER])];
    const early = auditRollout({ ...recs, refreshes: moved }, waves);
    expect(early.problems).toEqual([
      expect.stringMatching(
        /wave 1 refreshed wave1-web .* while wave 0's refresh of canary-web in 200000000009 was not Successful \(Pending\)/,
      ),
    ]);
    expect(early.checks['rollout-wave-order']).toBe(1);
    // Once the canary is Successful before the next wave starts, the order holds.
    const done = moved.map((r) =>
      r.group.name === 'canary-web'
        ? { ...r, startTime: r.startTime - 60 * MIN, status: 'Successful' as const, endTime: r.startTime - MIN }
        : r,
    );
    expect(auditRollout({ ...recs, refreshes: done }, waves).problems).toEqual([]);
  });

  it('places an account moved between two waves’ OUs in the wave whose OU it was in when its refresh started', () => {
    const [PRD1, PRD2, MOVED, STAYED] = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002', '200000000006', '200000000005'];
    const at = Date.parse('2027-01-03T09:35:00Z');
    // Today's tree: the moved account is under PRD1 now; it was under PRD2 until `at`.
    const org = {
      accountsUnder: (ou: string) => (ou === PRD1 ? [MOVED] : ou === PRD2 ? [STAYED] : []),
      ancestors: () => ['r-x1y2'],
      moves: [{ account: MOVED, from: PRD2, at }],
    };
    expect(accountsUnderAt(org, PRD2, at - MIN).sort()).toEqual([STAYED, MOVED].sort());
    expect(accountsUnderAt(org, PRD1, at - MIN)).toEqual([]);
    expect(accountsUnderAt(org, PRD1, at + MIN)).toEqual([MOVED]);
    const waves = wavesFromCatalog(
      [{ name: 'prod', rollout: { waves: [{ ous: [PRD1] }, { ous: [PRD2] }] } } as { name: string }],
      (ou, when) => accountsUnderAt(org, ou, when),
    );
    expect(waves('base', 'prod', at - MIN)?.map((w) => [...w].sort())).toEqual([[], [STAYED, MOVED].sort()]);
    expect(waves('base', 'prod', at + MIN)?.map((w) => [...w])).toEqual([[MOVED], [STAYED]]);
  });
});

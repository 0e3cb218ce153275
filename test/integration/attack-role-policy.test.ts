import { AttachRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExpectedRoles } from '../../aws/audit/roles.js';
import { iamClient } from '../../aws/clients/iam.js';
import { rolesPath } from '../../core/audit/roles.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { OUTSIDE_ADMIN } from '../../local/simulator/outside-change.js';
import { runAs } from '../../local/trust/caller.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { cloudTrailCall, functionArnOf, operatorCatalog, startOperatorCloud } from './operator-helpers.js';

/**
 * Attack: an administrator of the factory account (no Goldsmith role; or the management account, where no SCP
 * applies) adds an inline policy to the rollout engine's role, so that the role (and whoever can run code as it)
 * may do more than the deployment allowed. The roles' audit reads every Goldsmith role back against what the
 * deployment recorded: the change is announced critical, naming the role, the policy and what it allows, and both
 * functions that run as the role are stopped (reserved concurrency 0).
 */

let cloud: LocalCloud;

const nameOf = (handler: string) => functionArnOf(cloud, handler).split(':').pop() ?? '';
const later = (minutes: number) => new Date(cloud.clock.now() + minutes * 60_000).toISOString();
const announced = () =>
  cloud.installed.fakes.sns.messages
    .filter((m) => m.attributes.event === 'drift-found')
    .map((m) => ({ subject: m.subject ?? '', severity: m.attributes.severity, message: m.message }));
const calls = () => ({ ...cloud.installed.stats.apiCalls });

/** One daily run of the functions' and roles' audit, ten minutes of virtual time. */
async function dailyAudit(): Promise<void> {
  armSchedule(cloud, 'AuditFunctionsSchedule', cloud.clock.now() + 60_000);
  await cloud.clock.run(later(10));
}

beforeAll(async () => {
  cloud = await startOperatorCloud(
    operatorCatalog(
      ['us-east-1'],
      [
        devChannel({ soak: '1h' }),
        // A channel that rolls out: the rollout engine's role and its two functions.
        prodChannel({ soak: '1h', rollout: { waves: [{ name: 'all', ous: ['ou-x1y2-prd00001'] }], bakeMinutes: 30 } }),
      ],
      {},
    ),
    '2027-02-10T00:00:00Z',
  );
}, 180_000);

afterAll(() => cloud?.stop());

describe("attack: a Goldsmith role's policy changed outside the deployment", () => {
  it('finds every role as the deployment recorded it, twice over: one page of role details, nothing stopped or announced', async () => {
    // One per role the deploy made (the local cloud names a role by its logical id, so the stacks' custom resource
    // providers' roles, alike in every stack, are one role here). Up to 1,000 roles a page of the account's details.
    const roles = cloud.roles.roles.size;
    expect(roles).toBeGreaterThanOrEqual(20);
    for (const run of [1, 2]) {
      const before = calls();
      await dailyAudit();
      const made = (k: string) => (calls()[k] ?? 0) - (before[k] ?? 0);
      expect(announced(), `run ${run}`).toEqual([]);
      expect(made('iam:GetAccountAuthorizationDetails'), `run ${run}`).toBe(Math.ceil(roles / 1000));
      // No role is read on its own: the details carry each role's trust, inline and attached policies.
      expect(
        ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'].map(made),
        `run ${run}`,
      ).toEqual([0, 0, 0, 0]);
      expect(made('iam:PutRolePolicy')).toBe(0);
    }
    expect(cloud.functions.runs(nameOf('functions/rollout/start.handler'))).toBe(true);
  }, 120_000);

  it('announces an inline policy added to the rollout engine role and stops both functions that run as it', async () => {
    const start = nameOf('functions/rollout/start.handler');
    const check = nameOf('functions/rollout/check.handler');
    const role = cloud.functions.functions.get(start)?.Role.split('/').pop() ?? '';
    expect(role).not.toBe('');
    cloud.rolePolicies.set(OUTSIDE_ADMIN, [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    ]);
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] };
    await runAs(OUTSIDE_ADMIN, () =>
      iamClient().send(
        new PutRolePolicyCommand({ RoleName: role, PolicyName: 'Mallory', PolicyDocument: JSON.stringify(document) }),
      ),
    );

    await dailyAudit();

    expect(cloud.functions.runs(start)).toBe(false);
    expect(cloud.functions.runs(check)).toBe(false);
    const found = announced();
    expect(found).toEqual([
      { subject: `role ${role}: changed outside Goldsmith`, severity: 'critical', message: expect.any(String) },
    ]);
    expect(found[0]?.message).toContain('inline policy Mallory added (Allow iam:PassRole on *)');
    expect(found[0]?.message).toContain(`aws iam delete-role-policy --role-name ${role} --policy-name Mallory`);
    // The next run finds the same change: recorded and announced once.
    await dailyAudit();
    expect(announced()).toHaveLength(1);
  }, 120_000);

  it("with a trail, AttachRolePolicy's event has that role alone read within minutes: the publisher stopped", async () => {
    const publisher = nameOf('functions/promotion/publish.handler');
    const role = cloud.functions.functions.get(publisher)?.Role.split('/').pop() ?? '';
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await runAs(OUTSIDE_ADMIN, () =>
      iamClient().send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: admin })),
    );
    const before = calls();
    const announcedBefore = announced().length;

    // IAM's events arrive on us-east-1's default bus only: the home Region here.
    const call = cloudTrailCall(cloud, 'iam', 'AttachRolePolicy', { roleName: role, policyArn: admin });
    cloud.bus.put(call, 'default', 'us-east-1');
    await cloud.clock.run(later(5));

    expect(cloud.functions.runs(publisher)).toBe(false);
    expect((calls()['iam:GetRole'] ?? 0) - (before['iam:GetRole'] ?? 0)).toBe(1);
    expect(announced().slice(announcedBefore)).toEqual([
      { subject: `role ${role}: changed outside Goldsmith`, severity: 'critical', message: expect.any(String) },
    ]);
    expect(announced().at(-1)?.message).toContain(`managed policy ${admin} attached`);
    expect(announced().at(-1)?.message).toContain(
      `aws iam detach-role-policy --role-name ${role} --policy-arn ${admin}`,
    );
  }, 120_000);

  it('leaves a role a deploy of its stack is changing until the stack settles, then the daily run stops its functions', async () => {
    // CloudFormation writes a changed policy, then the role's record: for a moment the two differ, and an IAM call's
    // event arrives in it. While the stack is UPDATE_IN_PROGRESS that is the deploy's; once it settled, drift.
    const soak = nameOf('functions/promotion/soak-check.handler');
    const role = cloud.functions.functions.get(soak)?.Role.split('/').pop() ?? '';
    const { roles } = await readExpectedRoles(rolesPath('local'));
    const stack = roles.find((r) => r.name === role)?.stack ?? '';
    expect(stack).toMatch(/goldsmith/);
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] };
    await runAs(OUTSIDE_ADMIN, () =>
      iamClient().send(
        new PutRolePolicyCommand({ RoleName: role, PolicyName: 'Deploying', PolicyDocument: JSON.stringify(document) }),
      ),
    );
    const events = cloud.installed.fakes.stackEvents;
    events.began(stack, 'UPDATE_IN_PROGRESS', new Date(cloud.clock.now()));
    // A large deploy: its resources' events come before the stack's own, past the first page.
    for (let i = 0; i < 150; i++)
      events.resourceChanged(stack, `Policy${i}`, 'UPDATE_COMPLETE', new Date(cloud.clock.now()));
    const announcedBefore = announced().length;

    cloud.bus.put(
      cloudTrailCall(cloud, 'iam', 'PutRolePolicy', { roleName: role, policyName: 'Deploying' }),
      'default',
      'us-east-1',
    );
    await cloud.clock.run(later(5));
    expect(cloud.functions.runs(soak)).toBe(true);
    expect(announced().slice(announcedBefore)).toEqual([]);

    // The deploy settled without writing the policy into the role's record: someone else's.
    events.completed(stack, 'UPDATE_COMPLETE', new Date(cloud.clock.now()));
    await dailyAudit();
    expect(cloud.functions.runs(soak)).toBe(false);
    expect(
      announced()
        .slice(announcedBefore)
        .map((a) => a.subject),
    ).toEqual([`role ${role}: changed outside Goldsmith`]);
  }, 120_000);
});

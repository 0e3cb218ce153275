import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { al2023Image, OPENSSL_RELEASES, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, OPERATOR, startOperatorCloud } from './operator-helpers.js';

/**
 * Attack: anyone holding a mail from the approval-links topic (the approver, whoever they forward it to, a mail
 * scanner) follows its unsubscribe link. SNS removes the approver's subscription unauthenticated: no CloudTrail event,
 * no SCP, no topic policy (local/fakes/sns-subscriptions.ts `unsubscribeByLink`). The doors' auditor's hourly look
 * finds it within the hour, subscribes the address again and tells the team, on the notifications topic and in Slack,
 * which approver no longer receives links and what they must do.
 */

const TEAM = 'platform-team@example.com';
const OPS_LEAD = 'ops-lead@example.com';
let cloud: LocalCloud;

const sns = () => cloud.installed.fakes.sns;
const linksTopic = () => {
  const arn = [...sns().topics].find((t) => t.endsWith(':goldsmith-local-approval-links'));
  if (!arn) throw new Error('no approval-links topic');
  return arn;
};
const opsLeadSubscription = () =>
  sns().subscriptions.find((s) => s.topicArn === linksTopic() && s.endpoint === OPS_LEAD);

/** The doors' auditor's hourly schedule, at its next run at most an hour from now, and the clock run past it. */
async function withinAnHour(): Promise<void> {
  const at = cloud.clock.now() + 60 * 60_000;
  armSchedule(cloud, 'AuditSubscriptionsSchedule', at);
  await cloud.clock.run(new Date(at + 10 * 60_000).toISOString());
}

const driftAnnouncements = () =>
  sns()
    .messages.filter((m) => m.attributes.event === 'drift-found')
    .map((m) => ({ severity: m.attributes.severity, body: m.message }));

beforeAll(async () => {
  const catalog = orgCatalog(
    { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
    [prodChannel({ approval: { approvers: ['ops-lead'], timeout: '3d' } })],
    {
      access: { ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`], operators: [OPERATOR], approvers: {} },
      notifications: {
        email: [TEAM],
        slack: { secretName: 'goldsmith/slack', channel: '#golden-images', approvers: { 'ops-lead': 'U024BE7LH' } },
      },
    },
  );
  cloud = await startOperatorCloud(catalog, '2027-02-10T00:00:00Z');
});

afterAll(async () => {
  await cloud?.stop();
});

describe("an approval mail's unsubscribe link", () => {
  it('is found within the hour: the address subscribed again, the approver named to the team and in Slack', async () => {
    const made = opsLeadSubscription();
    if (!made || made.pending) throw new Error("ops-lead's confirmed subscription is missing");

    expect(sns().unsubscribeByLink(made.arn)).toBe(true);
    expect(opsLeadSubscription()).toBeUndefined();

    await withinAnHour();

    expect(opsLeadSubscription()).toMatchObject({ pending: true, filterPolicyJson: '{"approver":["ops-lead"]}' });
    const announced = driftAnnouncements();
    expect(announced).toHaveLength(1);
    expect(announced[0]?.severity).toBe('critical');
    const command = `aws sns confirm-subscription --topic-arn ${linksTopic()} --token`;
    expect(announced[0]?.body).toContain('approver ops-lead: their approval links no longer reach them');
    expect(announced[0]?.body).toContain(`approver ops-lead receives no approval links until they confirm`);
    expect(announced[0]?.body).toContain(command);
    expect(
      sns()
        .inbox(TEAM)
        .some((d) => d.body.includes(command)),
    ).toBe(true);
    const slack = (cloud.slack?.messages() ?? []).map((m) => JSON.stringify(m));
    expect(slack.filter((m) => m.includes('approver ops-lead') && m.includes('confirm-subscription'))).toHaveLength(1);
  });

  it('the next day, while unconfirmed, names the approver once more as awaiting confirmation, to the team and in Slack', async () => {
    // The doors' auditor's daily run, the next day, and a second run that day.
    const nextDay = Math.floor(cloud.clock.now() / 86_400_000) * 86_400_000 + 86_400_000;
    for (const at of [nextDay + 6 * 3_600_000, nextDay + 9 * 3_600_000]) {
      armSchedule(cloud, 'AuditDoorsSchedule', at);
      await cloud.clock.run(new Date(at + 10 * 60_000).toISOString());
    }
    const awaiting = driftAnnouncements().filter((a) => a.body.includes('awaiting confirmation'));
    expect(awaiting).toHaveLength(1);
    expect(awaiting[0]?.severity).toBe('critical');
    expect(awaiting[0]?.body).toContain(
      `approver ops-lead: subscription awaiting confirmation since ${new Date(nextDay - 1).toISOString().slice(0, 10)}`,
    );
    expect(awaiting[0]?.body).toContain(`aws sns confirm-subscription --topic-arn ${linksTopic()} --token`);
    const slack = (cloud.slack?.messages() ?? []).map((m) => JSON.stringify(m));
    expect(slack.filter((m) => m.includes('awaiting confirmation'))).toHaveLength(1);
  });

  it('no longer removes a subscription confirmed with AuthenticateOnUnsubscribe, and the hourly look finds nothing', async () => {
    const again = opsLeadSubscription();
    if (!again) throw new Error('ops-lead is not subscribed again');
    sns().confirm(again.arn, true);

    expect(sns().unsubscribeByLink(again.arn)).toBe(false);
    await withinAnHour();

    expect(opsLeadSubscription()).toMatchObject({ arn: again.arn, authenticateOnUnsubscribe: true });
    expect(driftAnnouncements()).toHaveLength(2);
  });
});

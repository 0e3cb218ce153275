import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTORY_DRIFT_PK } from '../../aws/audit/audit-ledger.js';
import { documentClient } from '../../aws/clients/dynamodb.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { devChannel, OPS_LEAD_APPROVAL, prodChannel } from '../scenarios/helpers.js';
import { operatorCatalog, startOperatorCloud } from './operator-helpers.js';

/**
 * Attack: someone who got past a topic's door (its policy loosened first, or from the management account, which no
 * SCP binds) subscribes an address of their own to the approval links (every approver's signed links), unsubscribes
 * the team's mail from the notifications, or re-filters it to hear nothing. The doors' auditor's next run finds each,
 * puts the subscriptions back as the stacks make them, records it and announces it.
 */

const TEAM = 'team@example.com';
let cloud: LocalCloud;

const sns = () => cloud.installed.fakes.sns;
const topicArn = (suffix: string) => {
  const arn = [...sns().topics].find((t) => t.endsWith(`:goldsmith-local-${suffix}`));
  if (!arn) throw new Error(`no topic ${suffix}`);
  return arn;
};
const subscribers = (topic: string) =>
  sns()
    .subscriptions.filter((s) => s.topicArn === topic)
    .map(
      (s) =>
        `${s.protocol} ${s.endpoint}${s.filterPolicyJson ? ` ${s.filterPolicyJson}` : ''}${s.pending ? ' (pending)' : ''}`,
    )
    .sort();

/** The auditor's daily schedule run once, now, and the virtual clock run past it. */
async function audit(): Promise<void> {
  const at = cloud.clock.now() + 60_000;
  armSchedule(cloud, 'AuditDoorsSchedule', at);
  await cloud.clock.run(new Date(at + 10 * 60_000).toISOString());
}

const drifts = async () =>
  (
    await documentClient().send(
      new QueryCommand({
        TableName: cloud.wiring.tables[0]?.name ?? '',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': FACTORY_DRIFT_PK, ':p': 'DRIFT#subscription#' },
      }),
    )
  ).Items ?? [];
const announced = () =>
  sns()
    .messages.filter((m) => m.attributes.event === 'drift-found')
    .map((m) => m.subject ?? '');

beforeAll(async () => {
  const catalog = operatorCatalog(['us-east-1'], [devChannel(), prodChannel({ approval: OPS_LEAD_APPROVAL })], {});
  cloud = await startOperatorCloud(
    {
      ...catalog,
      notifications: {
        ...catalog.notifications,
        email: [{ address: TEAM, only: { severities: ['critical', 'warning'] } }],
      },
    },
    '2027-02-10T00:00:00Z',
  );
});

afterAll(async () => {
  await cloud?.stop();
});

describe("the topics' subscriptions, changed outside Goldsmith", () => {
  it('removes a subscription nobody made from the approval links, and says so', async () => {
    const links = topicArn('approval-links');
    const made = subscribers(links);
    expect(made).toEqual(['email ops-lead@example.com {"approver":["ops-lead"]}']);
    sns().subscribe(links, 'email', 'mallory@example.net');

    await audit();

    expect(subscribers(links)).toEqual(made);
    expect((await drifts()).map((d) => d.found)).toEqual([
      'a subscription the stacks did not make (email mallory@example.net)',
    ]);
    expect(announced()).toEqual(['subscriptions of goldsmith-local-approval-links: changed outside Goldsmith']);
  });

  it("subscribes the team's mail again after an unsubscribe, and puts a changed filter back", async () => {
    const topic = topicArn('notifications');
    const team = sns().subscriptions.find((s) => s.topicArn === topic && s.endpoint === TEAM);
    if (!team) throw new Error('the team is not subscribed');
    sns().subscriptions.splice(sns().subscriptions.indexOf(team), 1);

    await audit();

    expect(subscribers(topic)).toEqual([`email ${TEAM} {"severity":["critical","warning"]} (pending)`]);
    const again = sns().subscriptions.find((s) => s.topicArn === topic && s.endpoint === TEAM);
    if (!again) throw new Error('not subscribed again');
    sns().confirm(again.arn);
    again.filterPolicy = { severity: ['info'] };
    again.filterPolicyJson = '{"severity":["info"]}';

    await audit();

    expect(subscribers(topic)).toEqual([`email ${TEAM} {"severity":["critical","warning"]}`]);
    expect((await drifts()).map((d) => [d.found, d.repairedAt !== undefined])).toEqual(
      expect.arrayContaining([
        [`no subscription of email ${TEAM}`, true],
        [`email ${TEAM} filtered on {"severity":["info"]}`, true],
      ]),
    );
  });
});

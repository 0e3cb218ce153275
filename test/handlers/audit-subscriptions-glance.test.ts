import { SNSServiceException } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { glanceAtSubscriptions } from '../../functions/audit/subscriptions.js';
import { VirtualClock } from '../../local/clock.js';
import { errorFactory, type FakeCall } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { patchDayCatalog } from '../scenarios/helpers.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * The doors' auditor's hourly look: one ListSubscriptions while the account holds fewer than 100 subscriptions in the
 * Region, else that first page and ListSubscriptionsByTopic per topic; a topic whose listing differs goes to the full
 * audit.
 */

const ACCOUNT = '123456789012';
const NOW = new Date('2027-01-18T05:00:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const LINKS = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-approval-links`;
const TEAM = 'team@example.com';

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;

/** The calls the look made, per `sns:Action`. */
const snsCalls = () =>
  Object.fromEntries(Object.entries(cloud.stats.apiCalls).filter(([operation]) => operation.startsWith('sns:')));

beforeEach(async () => {
  // patchDayCatalog's prod asks ops-lead, whose links go to ops-lead@example.com.
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  process.env.APPROVAL_TOPIC_ARN = LINKS;
  delete process.env.SLACK_FUNCTION_ARN;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(patchDayCatalog({ notifications: { email: [TEAM] } }));
  cloud = installFakes({ clock: new VirtualClock(NOW.toISOString()), accountId: ACCOUNT, topics: [NOTIFY, LINKS] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint);
  // As the stacks make them, both confirmed.
  cloud.fakes.sns.subscribe(NOTIFY, 'email', TEAM);
  cloud.fakes.sns.subscribe(LINKS, 'email', 'ops-lead@example.com', '{"approver":["ops-lead"]}');
});

afterEach(() => {
  configureClients({});
  delete process.env.GOLDSMITH_CATALOG;
  delete process.env.APPROVAL_TOPIC_ARN;
});

describe("the doors' auditor's hourly look at the topics' subscriptions", () => {
  it("lists the account's subscriptions once and reads nothing else while the topics hold what the stacks make", async () => {
    const part = await glanceAtSubscriptions(NOW);

    expect(part).toMatchObject({ checked: 2, reads: 1, findings: [], failures: [] });
    expect(snsCalls()).toEqual({ 'sns:ListSubscriptions': 1 });
  });

  it('finds an address added to the notifications topic in that one listing, and audits only that topic', async () => {
    // Someone outside Goldsmith subscribes an address of their own (still pending: listed, and removed as today).
    cloud.fakes.sns.subscribe(NOTIFY, 'email', 'outsider@example.net', undefined, true);

    const part = await glanceAtSubscriptions(NOW);

    expect(part.findings.map((f) => [f.name, f.found])).toEqual([
      ['goldsmith-test-notifications', expect.stringContaining('outsider@example.net')],
    ]);
    // The look's one listing, then the notifications topic's full read and read-back.
    expect(snsCalls()).toMatchObject({ 'sns:ListSubscriptions': 1, 'sns:ListSubscriptionsByTopic': 2 });
  });

  it('with more than a page of subscriptions in the account, lists each topic and still finds what changed on each', async () => {
    const other = `arn:aws:sns:us-east-1:${ACCOUNT}:another-team`;
    cloud.fakes.sns.topics.add(other);
    for (let i = 0; i < 100; i++) cloud.fakes.sns.subscribe(other, 'sqs', `arn:aws:sqs:us-east-1:${ACCOUNT}:q${i}`);
    const team = cloud.fakes.sns.subscriptions.find((s) => s.topicArn === NOTIFY);
    if (!team) throw new Error('the team is not subscribed');
    cloud.fakes.sns.unsubscribeByLink(team.arn);
    cloud.fakes.sns.subscribe(LINKS, 'email', 'outsider@example.net', '{"approver":["ops-lead"]}', true);

    const part = await glanceAtSubscriptions(NOW);

    expect(part.findings.map((f) => [f.name, f.found])).toEqual([
      ['goldsmith-test-notifications', expect.stringContaining(TEAM)],
      ['goldsmith-test-approval-links', expect.stringContaining('outsider@example.net')],
    ]);
    // The account's first page (a NextToken: not the whole listing), each topic's listing, then each topic's full
    // read and read-back: the look costs one call more than listing each topic alone.
    expect(snsCalls()).toMatchObject({ 'sns:ListSubscriptions': 1, 'sns:ListSubscriptionsByTopic': 6 });
  });

  it("lists each topic when the account's listing is refused, and still finds a removal", async () => {
    const seen: string[] = [];
    const refused = errorFactory(SNSServiceException)('AuthorizationErrorException', 'not authorized', 403);
    const sns = cloud.fakes.sns;
    const fake = {
      handle: (call: FakeCall) => {
        seen.push(call.action);
        if (call.action === 'ListSubscriptions') throw refused;
        return sns.handle(call);
      },
    };
    const clock = new VirtualClock(NOW.toISOString());
    configureAuditClients(cloud, dynamo.endpoint, { service: 'sns', fake, clock, accountId: ACCOUNT });
    const team = sns.subscriptions.find((s) => s.topicArn === NOTIFY);
    if (!team) throw new Error('the team is not subscribed');
    sns.unsubscribeByLink(team.arn);

    const part = await glanceAtSubscriptions(NOW);

    expect(part.failures).toEqual([]);
    expect(part.findings.map((f) => [f.name, f.found])).toEqual([
      ['goldsmith-test-notifications', expect.stringContaining(TEAM)],
    ]);
    // The refused listing, each topic's, then the notifications topic's full read and read-back.
    expect(seen.filter((a) => a.startsWith('List'))).toEqual([
      'ListSubscriptions',
      'ListSubscriptionsByTopic',
      'ListSubscriptionsByTopic',
      'ListSubscriptionsByTopic',
      'ListSubscriptionsByTopic',
    ]);
  });

  it('audits in full only the topic whose listing lost a subscription, and names the approver it cut off', async () => {
    const links = cloud.fakes.sns.subscriptions.find((s) => s.topicArn === LINKS);
    if (!links) throw new Error('ops-lead is not subscribed');
    cloud.fakes.sns.unsubscribeByLink(links.arn);

    const part = await glanceAtSubscriptions(NOW);

    expect(part.findings.map((f) => [f.name, f.found, f.repaired])).toEqual([
      [
        'goldsmith-test-approval-links',
        'no subscription of email ops-lead@example.com (approver ops-lead: their approval links no longer reach them)',
        false,
      ],
    ]);
    expect(part.findings[0]?.action).toContain(
      `aws sns confirm-subscription --topic-arn ${LINKS} --token <the Token of that mail's confirmation link> --authenticate-on-unsubscribe true`,
    );
    expect(driftAnnouncements(cloud, NOTIFY)).toEqual([
      { severity: 'critical', subject: 'subscriptions of goldsmith-test-approval-links: changed outside Goldsmith' },
    ]);
    // The look's one listing, the approval links' full read and its read-back after subscribing again: the
    // notifications topic is not read twice.
    expect(snsCalls()).toMatchObject({
      'sns:ListSubscriptions': 1,
      'sns:ListSubscriptionsByTopic': 2,
      'sns:Subscribe': 1,
    });
  });
});

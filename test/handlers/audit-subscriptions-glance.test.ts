import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { glanceAtSubscriptions } from '../../functions/audit/subscriptions.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { patchDayCatalog } from '../scenarios/helpers.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * The doors' auditor's hourly look: only ListSubscriptionsByTopic, one per topic per 100 subscriptions, while the
 * topics hold what the stacks make; a topic whose listing differs goes to the full audit.
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
  it('lists each topic once and reads nothing else while they hold what the stacks make', async () => {
    const part = await glanceAtSubscriptions(NOW);

    expect(part).toMatchObject({ checked: 2, reads: 2, findings: [], failures: [] });
    expect(snsCalls()).toEqual({ 'sns:ListSubscriptionsByTopic': 2 });
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
    // The look's two listings, the approval links' full read and its read-back after subscribing again: the
    // notifications topic is not read twice.
    expect(snsCalls()).toMatchObject({ 'sns:ListSubscriptionsByTopic': 4, 'sns:Subscribe': 1 });
  });
});

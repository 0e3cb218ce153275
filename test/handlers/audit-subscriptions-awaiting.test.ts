import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { auditSubscriptions, glanceAtSubscriptions } from '../../functions/audit/subscriptions.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { patchDayCatalog } from '../scenarios/helpers.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * An approver cut off by an unsubscribe link is subscribed again by the doors' auditor; SNS lists that subscription
 * as pending confirmation, which matches the address the stacks subscribe, so no drift is seen. The audit reminds
 * once a day, naming the approver, since when and how to confirm, until SNS lists it confirmed. SNS deletes a
 * subscription left unconfirmed for 48 hours (the local fake does too); the hourly look then subscribes it again.
 */

const ACCOUNT = '123456789012';
const DAY0 = new Date('2027-01-18T05:00:00Z');
const day = (n: number, hour = 5) => new Date(DAY0.getTime() + n * 86_400_000 + (hour - 5) * 3_600_000);
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const LINKS = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-approval-links`;
const TEAM = 'team@example.com';
const OPS_LEAD = 'ops-lead@example.com';

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let clock: VirtualClock;

const sns = () => cloud.fakes.sns;
const opsLead = () => sns().subscriptions.find((s) => s.topicArn === LINKS && s.endpoint === OPS_LEAD);
/** The daily audit (or any full run) at `at`, the fakes' clock moved there first. */
const auditAt = (at: Date) => {
  clock.moveTo(at);
  return auditSubscriptions(at);
};
const awaitingAnnouncements = () =>
  sns().messages.filter(
    (m) => m.attributes.event === 'drift-found' && (m.subject ?? '').endsWith('awaiting confirmation'),
  );

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  process.env.APPROVAL_TOPIC_ARN = LINKS;
  delete process.env.SLACK_FUNCTION_ARN;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(patchDayCatalog({ notifications: { email: [TEAM] } }));
  clock = new VirtualClock(DAY0.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY, LINKS] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint);
  // As the stacks make them, both confirmed.
  sns().subscribe(NOTIFY, 'email', TEAM);
  sns().subscribe(LINKS, 'email', OPS_LEAD, '{"approver":["ops-lead"]}');
});

afterEach(() => {
  configureClients({});
  delete process.env.GOLDSMITH_CATALOG;
  delete process.env.APPROVAL_TOPIC_ARN;
});

describe('a subscription awaiting confirmation', () => {
  it('is announced once the next day, naming the approver and how to confirm, and no more once confirmed', async () => {
    sns().unsubscribeByLink(opsLead()?.arn ?? '');
    await glanceAtSubscriptions(DAY0);
    expect(opsLead()).toMatchObject({ pending: true });
    expect(driftAnnouncements(cloud, NOTIFY)).toEqual([
      { severity: 'critical', subject: 'subscriptions of goldsmith-test-approval-links: changed outside Goldsmith' },
    ]);

    // The same day: the repair's announcement told it already.
    await auditAt(day(0, 23));
    expect(awaitingAnnouncements()).toHaveLength(0);

    // The next day's audit, and a second run that day: one reminder.
    const part = await auditAt(day(1));
    await auditAt(day(1, 9));
    expect(awaitingAnnouncements().map((m) => m.attributes.severity)).toEqual(['critical']);
    expect(part.findings.map((f) => f.found)).toEqual([
      `approver ops-lead: subscription awaiting confirmation since 2027-01-18 (email ${OPS_LEAD}): nothing reaches it until confirmed`,
    ]);
    const body = awaitingAnnouncements()[0]?.message ?? '';
    expect(body).toContain('approver ops-lead receives no approval links until they confirm');
    expect(body).toContain(`aws sns confirm-subscription --topic-arn ${LINKS} --token`);

    // Confirmed: nothing more, the next day or after.
    sns().confirm(opsLead()?.arn ?? '', true);
    expect((await auditAt(day(2))).findings).toEqual([]);
    await auditAt(day(3));
    expect(awaitingAnnouncements()).toHaveLength(1);
  });

  it('reminds every day while unconfirmed, through SNS deleting it after 48 hours and the audit subscribing it again', async () => {
    sns().unsubscribeByLink(opsLead()?.arn ?? '');
    await glanceAtSubscriptions(DAY0);
    const first = opsLead()?.arn;

    await auditAt(day(1));
    expect(awaitingAnnouncements()).toHaveLength(1);

    // 48 hours after it was made, SNS has deleted it: the hourly look finds it gone and subscribes the address again.
    clock.moveTo(day(2, 6));
    expect(opsLead()).toMatchObject({ pending: true });
    await glanceAtSubscriptions(day(2, 6));
    expect(opsLead()?.arn).not.toBe(first);
    expect(
      driftAnnouncements(cloud, NOTIFY).filter((a) => a.subject.endsWith('changed outside Goldsmith')),
    ).toHaveLength(2);

    // That day was told by the repair; the day after is reminded, still since the first day.
    await auditAt(day(2, 23));
    expect(awaitingAnnouncements()).toHaveLength(1);
    const part = await auditAt(day(3));
    expect(awaitingAnnouncements()).toHaveLength(2);
    expect(part.findings[0]?.found).toContain('since 2027-01-18');
  });

  it('reminds of an address of the notifications topic as a warning, with how its owner confirms', async () => {
    sns().subscriptions.splice(
      sns().subscriptions.findIndex((s) => s.topicArn === NOTIFY),
      1,
    );
    sns().subscribe(NOTIFY, 'email', TEAM, undefined, true);
    const part = await auditAt(DAY0);
    expect(part.findings.map((f) => f.found)).toEqual([
      `notifications email ${TEAM}: subscription awaiting confirmation since 2027-01-18 (email ${TEAM}): nothing reaches it until confirmed`,
    ]);
    expect(part.findings[0]?.action).toContain(`aws sns confirm-subscription --topic-arn ${NOTIFY} --token`);
    expect(awaitingAnnouncements().map((m) => m.attributes.severity)).toEqual(['warning']);
  });
});

import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerTable } from '../../aws/clients/dynamodb.js';
import { getApproval, pendingApprovals } from '../../aws/promotion/promotion-approvals.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { linksInEmail, textOf } from '../../local/simulator/approval-pages.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { functionUrlGet, functionUrlPost } from '../../local/simulator/function-url.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { al2023Image, OPENSSL_RELEASES, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, OPERATOR, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * The approval doors tried as an attacker inside the organization would: through the callback's function URL and
 * the operator endpoint of the local cloud, with the team's mailing list, the ledger and Slack as they would read them.
 */

const SECURITY = `arn:aws:iam::${ACCOUNT}:role/security-reviewer`;
const TEAM = 'platform-team@example.com';
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [prodChannel({ approval: { approvers: ['ops-lead', 'security-reviewer'], timeout: '3d' } })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [APPROVER], 'security-reviewer': [SECURITY] },
    },
    notifications: {
      email: [TEAM],
      slack: {
        secretName: 'goldsmith/slack',
        channel: '#golden-images',
        approvers: { 'ops-lead': 'U024BE7LH', 'security-reviewer': 'U0G9QF9C6' },
      },
    },
  },
);

let cloud: LocalCloud;

type Reply = { statusCode: number; body: string };
const callbackArn = () => {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === 'functions/approval-callback.handler') return arn;
  throw new Error('no approval callback');
};
const open = async (link: string) =>
  (await cloud.invoker.invokeSync(callbackArn(), functionUrlGet(link, '198.51.100.7'))) as Reply;
const press = async (link: string, reason?: string) =>
  (await cloud.invoker.invokeSync(
    callbackArn(),
    functionUrlPost(link, reason ? new URLSearchParams({ reason }).toString() : '', {
      'content-type': 'application/x-www-form-urlencoded',
    }),
  )) as Reply;

/** An approver's own links for the pending approval of `version`, from their mailbox. */
async function linksOf(address: string, version: string) {
  const approval = await getApproval('base', version, 'prod');
  const found = cloud.installed.fakes.sns
    .inbox(address)
    .map((d) => linksInEmail(d.body, approval?.approvalId ?? ''))
    .find((l) => l !== undefined);
  if (!found) throw new Error(`no links in ${address}'s mailbox`);
  return found;
}

async function ledgerItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: cloud.ledgerObserver }, { TableName: ledgerTable() })) {
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  }
  return items;
}

/** The request's Slack message (found through the ledger's record of it) was replaced: no buttons any more. */
async function expectButtonsGone(approvalId: string | undefined): Promise<void> {
  const posted = (await ledgerItems()).find((i) => i.pk === 'SLACK' && i.sk === `APPROVAL#${approvalId}`);
  const message = cloud.slack?.messages().find((m) => m.ts === posted?.ts);
  expect(message?.history.length).toBeGreaterThan(0);
  expect(JSON.stringify(message?.blocks ?? [])).not.toContain('"type":"actions"');
}

const SIGNED_LINK = /sig=[A-Za-z0-9_-]{20,}/;

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-02-20T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.17');
  await cloud.clock.run('2027-02-02T00:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe('a link reaches only its approver', () => {
  it('has 1.0.0/1 waiting for prod approval', async () => {
    expect((await pendingApprovals('base', 'prod')).map((a) => a.version)).toEqual(['1.0.0/1']);
  });

  it('tells the team list who decides and how, with no link in any message it receives', () => {
    const received = cloud.installed.fakes.sns.inbox(TEAM);
    const request = received.find((d) => d.message.attributes.event === 'approval-requested');
    expect(request?.body).toContain('the first answer of ops-lead, security-reviewer decides');
    expect(received.length).toBeGreaterThan(0);
    for (const { body, message } of received) {
      expect(body).not.toMatch(SIGNED_LINK);
      expect(message.message).not.toMatch(SIGNED_LINK);
    }
  });

  it("puts each approver's own links, naming them, in their mailbox alone", async () => {
    const ops = await linksOf('ops-lead@example.com', '1.0.0/1');
    const sec = await linksOf('security-reviewer@example.com', '1.0.0/1');
    expect(new URL(ops.approve).searchParams.get('by')).toBe('ops-lead');
    expect(new URL(sec.approve).searchParams.get('by')).toBe('security-reviewer');
    const opsMail = cloud.installed.fakes.sns
      .inbox('ops-lead@example.com')
      .map((d) => d.body)
      .join('\n');
    expect(opsMail).not.toContain('by=security-reviewer');
  });

  it('keeps no link in the ledger (Slack items, undelivered announcements, anything) nor in Slack', async () => {
    const items = await ledgerItems();
    expect(items.some((i) => i.kind === 'slack-approval')).toBe(true);
    for (const item of items) expect(JSON.stringify(item)).not.toMatch(SIGNED_LINK);
    for (const m of cloud.slack?.messages() ?? []) expect(JSON.stringify(m)).not.toMatch(SIGNED_LINK);
  });
});

describe('attacks on the approval callback, refused with nothing changed', () => {
  it("refuses an approver's link used by another approver with their own name put in", async () => {
    const before = await getApproval('base', '1.0.0/1', 'prod');
    const forwarded = new URL((await linksOf('ops-lead@example.com', '1.0.0/1')).approve);
    forwarded.searchParams.set('by', 'security-reviewer');

    const reply = await press(forwarded.toString());

    expect(reply.statusCode).toBe(403);
    expect(textOf(reply.body)).toBe('Refused: bad signature.');
    expect(await getApproval('base', '1.0.0/1', 'prod')).toEqual(before);
  });

  it('changes nothing when a mail scanner opens every link in the mail, three times', async () => {
    const before = await getApproval('base', '1.0.0/1', 'prod');
    const links = await linksOf('ops-lead@example.com', '1.0.0/1');
    for (let i = 0; i < 3; i++) {
      for (const link of [links.approve, links.reject]) {
        const page = await open(link);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('<form method="post"');
      }
    }
    await cloud.clock.run('2027-02-02T02:00:00Z');

    expect(await getApproval('base', '1.0.0/1', 'prod')).toEqual(before);
    expect(await getOutcome('base', '1.0.0/1', 'prod')).toBeUndefined();
  });

  it('counts a flood of 1,000 forged requests, keeping one sample, never a decision', async () => {
    const before = await getApproval('base', '1.0.0/1', 'prod');
    const refusedBefore = (await ledgerItems()).filter((i) => i.kind === 'refused-callback').length;
    const forged = new URL((await linksOf('ops-lead@example.com', '1.0.0/1')).approve);
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      forged.searchParams.set('sig', `forged${i.toString().padStart(40, '0')}`);
      statuses.add((i % 2 === 0 ? await open(forged.toString()) : await press(forged.toString())).statusCode);
    }

    const samples = (await ledgerItems()).filter((i) => i.kind === 'refused-callback');
    expect([...statuses]).toEqual([403]);
    expect(samples.length - refusedBefore).toBe(1);
    const sample = samples.at(-1);
    expect(sample).toMatchObject({
      reason: 'bad signature',
      count: 1,
      pk: expect.stringMatching(/^CALLBACK#REFUSED#2027-02-02$/),
    });
    expect(Number(sample?.expiresAt)).toBeGreaterThan(Date.parse('2027-03-01') / 1000);
    expect(await getApproval('base', '1.0.0/1', 'prod')).toEqual(before);
  });

  it('decides once on the POST of the button; a second POST is already decided and does nothing more', async () => {
    const links = await linksOf('ops-lead@example.com', '1.0.0/1');

    const first = await press(links.approve);
    const second = await press(links.approve);
    const decided = await getApproval('base', '1.0.0/1', 'prod');

    expect(first.statusCode).toBe(200);
    expect(textOf(first.body)).toBe('Approved base 1.0.0/1 for prod as ops-lead.');
    expect(second.statusCode).toBe(409);
    expect(textOf(second.body)).toBe('Already decided: approved by ops-lead. Nothing more was done.');
    expect(decided).toMatchObject({ decision: 'approve', by: 'ops-lead', via: 'email' });
    expect(await getApproval('base', '1.0.0/1', 'prod')).toEqual(decided);
    await cloud.clock.run('2027-02-03T00:00:00Z');
    expect((await getOutcome('base', '1.0.0/1', 'prod'))?.outcome).toBe('promoted');
  });
});

describe('a decision through the operator endpoint reads right', () => {
  it("records a rejection's reason, announces it, takes the Slack buttons away and reads right in history", async () => {
    await releaseOpenssl(cloud, '3.0.18');
    await cloud.clock.run('2027-02-04T00:00:00Z');
    const pending = await getApproval('base', '1.0.0/2', 'prod');
    expect(pending?.decision).toBeUndefined();

    const reply = await invokeOperatorUrl(cloud, {
      as: SECURITY,
      body: { action: 'reject', image: 'base', channel: 'prod', reason: 'CVE-2027-1234 is not fixed in 3.0.18' },
    });
    await cloud.clock.run('2027-02-04T01:00:00Z');

    expect(reply.status).toBe(200);
    expect(await getApproval('base', '1.0.0/2', 'prod')).toMatchObject({
      decision: 'reject',
      by: 'security-reviewer',
      via: 'operator',
      reason: 'CVE-2027-1234 is not fixed in 3.0.18',
    });
    const outcome = await getOutcome('base', '1.0.0/2', 'prod');
    expect(outcome).toMatchObject({
      outcome: 'rejected',
      by: 'security-reviewer',
      reason: 'CVE-2027-1234 is not fixed in 3.0.18',
    });
    const rejected = cloud.installed.fakes.sns.inbox(TEAM).find((d) => d.message.attributes.event === 'rejected');
    expect(rejected?.body).toContain(
      'base 1.0.0/2 was rejected for prod by security-reviewer (approver, through the operator endpoint): CVE-2027-1234 is not fixed in 3.0.18.',
    );
    await expectButtonsGone(pending?.approvalId);
    const items = (await ledgerItems()).filter((i) => i.pk === 'IMAGE#base');
    const lines = historyOf(items).map((e) => e.what);
    // The decision names the digest of the diff its request showed.
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^rejected by security-reviewer \(approver, through the operator endpoint\) on diff [0-9a-f]{12}: CVE-2027-1234 is not fixed in 3\.0\.18$/,
      ),
    );
    expect(lines.join('\n')).not.toContain('rejectd');
  });

  it('announces an approval given through the operator endpoint and takes the Slack buttons away', async () => {
    await releaseOpenssl(cloud, '3.0.19');
    await cloud.clock.run('2027-02-05T00:00:00Z');
    const pending = await getApproval('base', '1.0.0/3', 'prod');

    const reply = await invokeOperatorUrl(cloud, {
      as: APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    await cloud.clock.run('2027-02-05T01:00:00Z');

    expect(reply.status).toBe(200);
    expect(await getApproval('base', '1.0.0/3', 'prod')).toMatchObject({ decision: 'approve', via: 'operator' });
    const approved = cloud.installed.fakes.sns
      .inbox(TEAM)
      .find((d) => d.message.attributes.event === 'approved' && d.body.includes('1.0.0/3'));
    expect(approved?.body).toContain(
      'base 1.0.0/3 was approved for prod by ops-lead (approver, through the operator endpoint).',
    );
    await expectButtonsGone(pending?.approvalId);
  });
});

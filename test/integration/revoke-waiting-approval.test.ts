import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApproval, pendingApprovals } from '../../aws/promotion/promotion-approvals.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import { linksInEmail, textOf } from '../../local/simulator/approval-pages.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { functionUrlPost } from '../../local/simulator/function-url.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { al2023Image, OPENSSL_RELEASES, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, OPERATOR, releaseOpenssl, SESSION, startOperatorCloud } from './operator-helpers.js';

/**
 * Revoking a build while its prod approval waits, on the local cloud: the promotion ends at the revocation, recorded
 * aborted with its reason, and no door can decide the approval any more.
 */

const TEAM = 'platform-team@example.com';
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [prodChannel({ approval: { approvers: ['ops-lead'], timeout: '3d' } })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [APPROVER] },
    },
    notifications: { email: [TEAM] },
  },
);
const REVOKED_AT = '2027-02-02T00:01:00.000Z';

let cloud: LocalCloud;
let approveLink: string;
const revoke = () =>
  invokeOperatorUrl(cloud, {
    as: OPERATOR,
    body: { action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'CVE-2027-0042' },
  });
const callbackArn = () => {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === 'functions/approval-callback.handler') return arn;
  throw new Error('no approval callback');
};

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-02-20T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.17');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  const approval = await getApproval('base', '1.0.0/1', 'prod');
  const links = cloud.installed.fakes.sns
    .inbox('ops-lead@example.com')
    .map((d) => linksInEmail(d.body, approval?.approvalId ?? ''))
    .find((l) => l !== undefined);
  if (!links) throw new Error("no links in ops-lead's mailbox");
  approveLink = links.approve;
  await cloud.clock.run(REVOKED_AT);
  await revoke();
  await cloud.clock.run('2027-02-02T01:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe('revoking a build whose prod approval waits', () => {
  it('records the prod promotion aborted at the revocation, with its reason, not expired days later', async () => {
    const outcome = await getOutcome('base', '1.0.0/1', 'prod');
    expect(outcome).toMatchObject({ outcome: 'aborted', reason: expect.stringContaining('CVE-2027-0042') });
    expect(Date.parse(outcome?.at ?? '')).toBeLessThan(Date.parse('2027-02-02T00:10:00Z'));
  });

  it('leaves nothing waiting for approval, and the operator approve says so', async () => {
    expect(await pendingApprovals('base', 'prod')).toEqual([]);
    const reply = await invokeOperatorUrl(cloud, {
      as: APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(reply.status).toBe(404);
  });

  it("refuses the approver's emailed link: the approval was withdrawn by the revocation", async () => {
    const reply = (await cloud.invoker.invokeSync(
      callbackArn(),
      functionUrlPost(approveLink, '', { 'content-type': 'application/x-www-form-urlencoded' }),
    )) as {
      statusCode: number;
      body: string;
    };
    expect(reply.statusCode).toBe(409);
    expect(textOf(reply.body)).toBe(`Refused: withdrawn: revoked by ${SESSION}: CVE-2027-0042.`);
    expect(await getApproval('base', '1.0.0/1', 'prod')).toMatchObject({ withdrawn: expect.any(String) });
    expect(await getApproval('base', '1.0.0/1', 'prod')).not.toHaveProperty('decision');
  });

  it('says so once in the revocation announcement; a second revoke changes and announces nothing', async () => {
    const before = await getOutcome('base', '1.0.0/1', 'prod');
    await revoke();
    await cloud.clock.run('2027-02-02T02:00:00Z');
    const revoked = notificationsOf(cloud).filter((n) => n.event === 'revoked');
    expect(revoked).toHaveLength(1);
    const mail = cloud.installed.fakes.sns.inbox(TEAM).filter((d) => d.message.attributes.event === 'revoked');
    expect(mail.map((d) => d.body).join('\n')).toContain('prod approval withdrawn');
    expect(await getOutcome('base', '1.0.0/1', 'prod')).toEqual(before);
  });
});

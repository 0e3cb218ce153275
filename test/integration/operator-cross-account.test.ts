import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingApprovals } from '../../aws/promotion/promotion-approvals.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { al2023Image, OPENSSL_RELEASES, OPS_LEAD_APPROVAL, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, startWithOneBuildWaiting } from './operator-helpers.js';

/**
 * Access principals in another account than Goldsmith's (a security account's roles, an IAM Identity Center role with
 * its `aws-reserved/sso.amazonaws.com/` path): the stacks name them in the operators' role's trust policy and the
 * operator function's resource policy, and their own account grants them the calls (cross-account access needs both),
 * so the operator endpoint admits them; anyone else of that account is still refused.
 */

const SECURITY = '210987654321';
const OPERATOR = `arn:aws:iam::${SECURITY}:role/platform-engineer`;
const SSO_APPROVER = `arn:aws:iam::${SECURITY}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_OpsLead_0123456789abcdef`;
const STRANGER = `arn:aws:iam::${SECURITY}:role/intruder`;

const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [prodChannel({ approval: OPS_LEAD_APPROVAL })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [SSO_APPROVER] },
    },
  },
);

let cloud: LocalCloud;
const builds = () => cloud.installed.fakes.imagebuilder.builds.size;

beforeAll(async () => {
  cloud = await startWithOneBuildWaiting(catalog);
}, 180_000);

afterAll(() => cloud?.stop());

describe('operators and approvers in another account than Goldsmith', () => {
  it("builds for an operator of the security account, through the operators' role", async () => {
    const reply = await invokeOperatorUrl(cloud, { as: OPERATOR, body: { action: 'build', image: 'base' } });
    expect(reply.signedAs).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-local-operators/platform-engineer`);
    expect(reply.status).toBe(200);
    expect(builds()).toBe(2);
  });

  it('refuses a principal of that account the catalog does not name, changing nothing', async () => {
    const build = await invokeOperatorUrl(cloud, { as: STRANGER, body: { action: 'build', image: 'base' } });
    const approve = await invokeOperatorUrl(cloud, {
      as: STRANGER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect([build.status, approve.status]).toEqual([403, 403]);
    expect(build.body).toEqual({ Message: 'Forbidden' });
    expect(builds()).toBe(2);
  });

  it('approves as an IAM Identity Center role (a role with a path) of that account, under the approver name', async () => {
    const reply = await invokeOperatorUrl(cloud, {
      as: SSO_APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ok: true, result: { version: '1.0.0/1', by: 'ops-lead' } });
    expect((await pendingApprovals('base', 'prod')).map((a) => a.version)).not.toContain('1.0.0/1');
  });
});

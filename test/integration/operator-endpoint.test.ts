import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { pendingApprovals } from '../../aws/promotion/promotion-approvals.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import { getPause, recordPause } from '../../aws/promotion/promotion-pauses.js';
import { identityRefusal } from '../../cli/operator/identity-precheck.js';
import { iamRefusalText } from '../../core/trust/refusal-text.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { OPS_LEAD_APPROVAL, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, OPERATOR, operatorCatalog, SESSION, startWithOneBuildWaiting } from './operator-helpers.js';

const INTRUDER = `arn:aws:iam::${ACCOUNT}:role/intruder`;

const catalog = operatorCatalog(['us-east-1'], [prodChannel({ approval: OPS_LEAD_APPROVAL })], {
  'ops-lead': [APPROVER],
});

let cloud: LocalCloud;
const builds = () => cloud.installed.fakes.imagebuilder.builds.size;
const pending = async () => (await pendingApprovals('base', 'prod')).map((a) => a.version);

beforeAll(async () => {
  cloud = await startWithOneBuildWaiting(catalog);
}, 180_000);

afterAll(() => cloud?.stop());

describe('the operator endpoint on the local cloud (function URL with AWS_IAM auth)', () => {
  it('has the package build waiting for approval in prod', async () => {
    expect(builds()).toBe(1);
    expect(await pending()).toEqual(['1.0.0/1']);
  });

  it('refuses an unsigned request before the function runs, changing nothing', async () => {
    const reply = await invokeOperatorUrl(cloud, { body: { action: 'build', image: 'base' } });
    expect(reply).toEqual({ status: 403, body: { Message: 'Forbidden' } });
    expect(builds()).toBe(1);
  });

  it("refuses a signed request from a principal without the operators' role, changing nothing", async () => {
    const build = await invokeOperatorUrl(cloud, { as: INTRUDER, body: { action: 'build', image: 'base' } });
    expect(build.status).toBe(403);
    const approve = await invokeOperatorUrl(cloud, {
      as: INTRUDER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(approve.status).toBe(403);
    expect(builds()).toBe(1);
    expect(await pending()).toEqual(['1.0.0/1']);
  });

  it('refuses a build from an approver (IAM lets them in, only to approve) with the reason', async () => {
    const reply = await invokeOperatorUrl(cloud, { as: APPROVER, body: { action: 'build', image: 'base' } });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      ok: false,
      error: expect.stringContaining("needs Goldsmith's operators' role"),
    });
    expect(builds()).toBe(1);
  });

  it("refuses an approval from an operator who is not that channel's approver, leaving it pending", async () => {
    // The operator's ARN acts through the operators' role, as for any other action; the function refuses.
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-local-operators/platform-engineer`;
    for (const as of [OPERATOR, session]) {
      const reply = await invokeOperatorUrl(cloud, { as, body: { action: 'approve', image: 'base', channel: 'prod' } });
      expect(reply.signedAs).toBe(session);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({
        ok: false,
        error: `${session} is not an approver of base prod: approvers are ops-lead`,
      });
    }
    expect(await pending()).toEqual(['1.0.0/1']);
  });

  it("refuses revoke and rollback from an approver: IAM, as those doors' resource policies admit no approver", async () => {
    for (const body of [
      { action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'test' },
      { action: 'rollback', image: 'base', channel: 'prod' },
    ]) {
      const reply = await invokeOperatorUrl(cloud, { as: APPROVER, body });
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual({ Message: 'Forbidden' });
    }
    expect(await pending()).toEqual(['1.0.0/1']);
  });

  it('is refused by the endpoint in exactly the words the CLI says from the catalog before replaying a saved cloud', async () => {
    const CI = `arn:aws:iam::${ACCOUNT}:role/ci-release`;
    const bodies = [
      { action: 'build', image: 'base' },
      { action: 'approve', image: 'base', channel: 'prod' },
      { action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'test' },
    ];
    const allowed: string[] = [];
    for (const as of [INTRUDER, CI, APPROVER, OPERATOR, SESSION]) {
      for (const body of bodies) {
        const said = identityRefusal(catalog, body, as);
        if (!said) {
          allowed.push(`${as.split('/').pop()} ${body.action}`);
          continue;
        }
        const reply = await invokeOperatorUrl(cloud, { as, body });
        const error = (reply.body as { error?: string }).error ?? iamRefusalText(reply.signedAs);
        expect({ status: reply.status, error }, `${as} ${body.action}`).toEqual(said);
      }
    }
    // What the CLI lets through is what the endpoint lets through (the tests above and below send these).
    expect(allowed).toEqual([
      'ops-lead approve',
      'platform-engineer build',
      'platform-engineer revoke',
      'platform-engineer build',
      'platform-engineer revoke',
    ]);
    expect(builds()).toBe(1);
    expect(await pending()).toEqual(['1.0.0/1']);
  });

  it("approves as the channel's approver, recorded under the approver's name, and the promotion goes on", async () => {
    // Two undecided approvals that no longer wait: one expired, one of a revoked version. As `status` says, only
    // 1.0.0/1 waits, so an approval without a version is for it.
    const table = cloud.wiring.tables[0]?.name ?? '';
    const stale = (version: string, expiresAt: string) => ({
      pk: 'IMAGE#base',
      sk: `APPROVAL#${version}#prod`,
      image: 'base',
      version,
      channel: 'prod',
      approvalId: `stale-${version}`,
      taskToken: 'gone',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-20T00:00:00.000Z',
      expiresAt,
    });
    await documentClient().send(
      new PutCommand({ TableName: table, Item: stale('0.9.0/1', '2027-01-23T00:00:00.000Z') }),
    );
    await documentClient().send(
      new PutCommand({ TableName: table, Item: stale('0.9.0/2', '2027-03-01T00:00:00.000Z') }),
    );
    await documentClient().send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'IMAGE#base', sk: 'REVOCATION#0.9.0/2', version: '0.9.0/2', state: 'revoked', reason: 'x' },
      }),
    );
    const reply = await invokeOperatorUrl(cloud, {
      as: APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ok: true, action: 'approve', result: { version: '1.0.0/1', by: 'ops-lead' } });
    expect(await pending()).toEqual(['0.9.0/1', '0.9.0/2']);
    const again = await invokeOperatorUrl(cloud, {
      as: APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(again.status).toBe(404);
    await cloud.clock.run('2027-02-03T00:00:00Z');
    expect((await getOutcome('base', '1.0.0/1', 'prod'))?.outcome).toBe('promoted');
  });

  it("builds for an operator (through the operators' role) with trigger manual and the caller recorded", async () => {
    const reply = await invokeOperatorUrl(cloud, {
      as: OPERATOR,
      body: { action: 'build', image: 'base', reason: 'hotfix' },
    });
    expect(reply.signedAs).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-local-operators/platform-engineer`);
    expect(reply.status).toBe(200);
    const result = (reply.body as { result: { decisions: { outcome: string; reason: string }[] } }).result;
    expect(result.decisions).toEqual([
      expect.objectContaining({ outcome: 'start', reason: expect.stringContaining(`requested by ${reply.signedAs}`) }),
    ]);
    expect(builds()).toBe(2);
  });

  it('resumes a promotion an outage paused, once, for an operator only, and refuses one that never paused', async () => {
    const [first] = cloud.sfn.list();
    await recordPause({
      image: 'base',
      version: '1.0.0/1',
      buildVersionArn: JSON.parse(first?.input ?? '{}').buildVersionArn,
      channel: 'prod',
      error: 'ServiceUnavailableException',
      reason: 'ServiceUnavailableException: down — still failing after the 24h retry horizon',
      pausedAt: '2027-02-03T00:00:00.000Z',
    });
    const body = { action: 'resume', image: 'base', version: '1.0.0/1' };

    const byApprover = await invokeOperatorUrl(cloud, { as: APPROVER, body });
    const resumed = await invokeOperatorUrl(cloud, { as: OPERATOR, body });
    const again = await invokeOperatorUrl(cloud, { as: OPERATOR, body });
    const never = await invokeOperatorUrl(cloud, { as: OPERATOR, body: { ...body, version: '1.0.0/9' } });

    expect(byApprover.status).toBe(403);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ ok: true, action: 'resume', result: { channel: 'prod', resumes: 1 } });
    expect(cloud.sfn.list().map((e) => e.name)).toContain(`${first?.name}-r1`);
    expect(again).toMatchObject({ status: 409, body: { error: expect.stringContaining('resumed already') } });
    expect(never).toMatchObject({ status: 404, body: { error: expect.stringContaining('never paused') } });
    expect(await getPause('base', '1.0.0/1')).toMatchObject({ status: 'resumed', resumedBy: resumed.signedAs });
  });
});

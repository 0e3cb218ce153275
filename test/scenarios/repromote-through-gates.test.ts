import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { getAttemptRecord } from '../../aws/promotion/attempt-record.js';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { attemptLinesOf } from '../../core/status/attempt-lines.js';
import { linksInEmail, textOf } from '../../local/simulator/approval-pages.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { functionUrlPost } from '../../local/simulator/function-url.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import {
  ACCOUNT,
  APPROVER,
  OPERATOR,
  pointerOf,
  releaseOpenssl,
  SESSION,
  startOperatorCloud,
} from '../integration/operator-helpers.js';
import { al2023Image, devChannel, OPENSSL_RELEASES, OPS_LEAD_APPROVAL, orgCatalog, prodChannel } from './helpers.js';

/**
 * revoke → restore → promote --through-gates on the local cloud: one build, dev soaking an hour, then prod behind
 * ops-lead's approval. Attempt 1 is promoted to dev and waits for prod's approval when it is revoked (prod aborted,
 * dev's pointer withdrawn); restored, it goes through dev's gate and soak again and prod's approval again, each
 * pointer moving only once its gates pass, and attempt 1's emailed link decides nothing in attempt 2.
 */

const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [devChannel({ soak: '1h' }), prodChannel({ approval: OPS_LEAD_APPROVAL })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [APPROVER] },
    },
  },
);
const V = '1.0.0/1';
const REASON = 'CVE-2027-0042 does not apply: the vulnerable module is not loaded';
/** Step Functions down while the first request for attempt 2 is made. */
const SFN_DOWN = { service: 'sfn', from: '2027-02-02T01:20:00Z', until: '2027-02-02T01:50:00Z' };

let cloud: LocalCloud;
let attemptOneLink: string;
let attemptOneApprovalId: string;
const operator = (body: Record<string, unknown>) => invokeOperatorUrl(cloud, { as: OPERATOR, body });
const onTheClock = (body: Record<string, unknown>) =>
  cloud.clock.runUntilSettled(cloud.clock.track(() => operator(body)));
const throughGates = (version = V, reason = REASON) =>
  operator({ action: 'promote-through-gates', image: 'base', version, reason });
const callbackArn = () => {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === 'functions/approval-callback.handler') return arn;
  throw new Error('no approval callback');
};
const follow = async (link: string) =>
  (await cloud.invoker.invokeSync(
    callbackArn(),
    functionUrlPost(link, '', { 'content-type': 'application/x-www-form-urlencoded' }),
  )) as { statusCode: number; body: string };
/** ops-lead's approve link of the approval request `approvalId`, from the mailbox. */
const approveLinkOf = (approvalId: string): string => {
  const links = cloud.installed.fakes.sns
    .inbox('ops-lead@example.com')
    .map((d) => linksInEmail(d.body, approvalId))
    .find((l) => l !== undefined);
  if (!links) throw new Error(`no links of ${approvalId} in ops-lead's mailbox`);
  return links.approve;
};

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-02-20T00:00:00Z', {
    approvals: 'none',
    faults: { outages: [SFN_DOWN] },
  });
  await releaseOpenssl(cloud, '3.0.17');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  const approval = await getApproval('base', V, 'prod');
  attemptOneApprovalId = approval?.approvalId ?? '';
  attemptOneLink = approveLinkOf(attemptOneApprovalId);
}, 240_000);

afterAll(() => cloud?.stop());

describe('promote IMAGE VERSION --through-gates: refusals, nothing changed', () => {
  it('refuses a version never revoked: it is where its gates put it', async () => {
    expect(await pointerOf('dev')).toBe(V);
    expect(await throughGates()).toMatchObject({
      status: 409,
      body: { ok: false, error: `base ${V} was never revoked: it is where its gates put it. Nothing changed.` },
    });
    expect(await getAttemptRecord('base', V)).toBeUndefined();
  });

  it('refuses an unknown version, and a request without a reason', async () => {
    expect(await throughGates('9.9.9/9')).toMatchObject({
      status: 404,
      body: { ok: false, error: 'unknown version 9.9.9/9 of base' },
    });
    const noReason = await operator({ action: 'promote-through-gates', image: 'base', version: V });
    expect(noReason).toMatchObject({ status: 400, body: { ok: false, error: expect.stringContaining('reason') } });
  });

  it('refuses a version still revoked: restore it first', async () => {
    await cloud.clock.run('2027-02-02T00:01:00Z');
    expect(
      (await onTheClock({ action: 'revoke', image: 'base', version: V, reason: 'CVE-2027-0042', withdraw: true }))
        .status,
    ).toBe(200);
    await cloud.clock.run('2027-02-02T01:00:00Z');
    expect(await getOutcome('base', V, 'prod')).toMatchObject({ outcome: 'aborted' });
    expect(await pointerOf('dev')).toBeUndefined();
    expect(await throughGates()).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: `base ${V} is still revoked: restore it first (goldsmith restore base ${V} --reason R). Nothing changed.`,
      },
    });
    expect(await getAttemptRecord('base', V)).toBeUndefined();
    expect(await getOutcome('base', V, 'dev')).toMatchObject({ outcome: 'promoted' });
  });
});

describe('a restored version goes back into its channels only through their gates', () => {
  let started: Record<string, unknown>;

  it('records attempt 2 before starting it: a start Step Functions refused leaves nothing running', async () => {
    await cloud.clock.run('2027-02-02T01:30:00Z');
    expect((await operator({ action: 'restore', image: 'base', version: V, reason: 'false positive' })).status).toBe(
      200,
    );
    const failed = await onTheClock({
      action: 'promote-through-gates',
      image: 'base',
      version: V,
      reason: REASON,
    }).catch((error: unknown) => error);
    // The operator function fails once the SDK's retries meet Step Functions still down: the caller sees an error.
    expect(failed).toMatchObject({ name: 'ServiceUnavailable' });
    expect(await getAttemptRecord('base', V)).toMatchObject({ attempt: 2, attempts: [{ attempt: 2, reason: REASON }] });
    expect(await getAttemptRecord('base', V)).not.toHaveProperty('executionStarted');
    expect(cloud.sfn.list().filter((e) => e.name.endsWith('-g2'))).toEqual([]);
  });

  it("starts that attempt at the next request, anyone's, once Step Functions answers; no pointer moves yet", async () => {
    await cloud.clock.run('2027-02-02T02:00:00Z');
    const reply = await throughGates(V, 'after the Step Functions outage');
    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        action: 'promote-through-gates',
        result: {
          image: 'base',
          version: V,
          attempt: 2,
          channels: ['dev', 'prod'],
          by: SESSION,
          reason: REASON,
          alreadyStarted: true,
        },
      },
    });
    started = (reply.body as { result: Record<string, unknown> }).result;
    expect(await getAttemptRecord('base', V)).toMatchObject({ executionStarted: started.executionName });
    // Attempt 1's promotion, gate, approval and soak records are archived: dev promoted, prod aborted, and more.
    expect(started.archived).toBeGreaterThanOrEqual(4);
    expect(await getApproval('base', V, 'prod')).toBeUndefined();
    expect(await pointerOf('dev')).toBeUndefined();
  });

  it('answers a retry of the same request with the same attempt, and starts no second one', async () => {
    const again = await throughGates();
    expect(again).toMatchObject({
      status: 200,
      body: { result: { attempt: 2, alreadyStarted: true, executionName: started.executionName } },
    });
    expect((await getAttemptRecord('base', V))?.attempts).toHaveLength(1);
    // Attempt 1's execution and attempt 2's, each once.
    const names = cloud.sfn.list().map((e) => e.name);
    expect(names.filter((n) => n === started.executionName)).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('-g2'))).toEqual([started.executionName]);
  });

  it('refuses another request while attempt 2 runs', async () => {
    const other = await throughGates(V, 'another reason');
    expect(other).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: `attempt 2 of base ${V}'s promotion is still running (at dev): nothing started. Nothing changed.`,
      },
    });
    expect((await getAttemptRecord('base', V))?.attempts).toHaveLength(1);
  });

  it("passes dev's gate again and soaks an hour before dev's pointer moves", async () => {
    await cloud.clock.run('2027-02-02T02:30:00Z');
    expect(await pointerOf('dev')).toBeUndefined();
    const gate = (await readImagePartition('base')).find((i) => i.sk === `GATE#${V}#dev`);
    expect(Date.parse(String(gate?.at ?? gate?.passedAt))).toBeGreaterThanOrEqual(
      Date.parse(String(started.startedAt)),
    );
    await cloud.clock.run('2027-02-02T04:00:00Z');
    expect(await getOutcome('base', V, 'dev')).toMatchObject({ outcome: 'promoted' });
    expect(Date.parse(String((await getOutcome('base', V, 'dev'))?.at))).toBeGreaterThanOrEqual(
      Date.parse(String(started.startedAt)) + 3_600_000,
    );
    expect(await pointerOf('dev')).toBe(V);
  });

  it("asks prod's approver again: attempt 1's link is refused, attempt 2's decides, and only then prod moves", async () => {
    const attemptTwo = await getApproval('base', V, 'prod');
    expect(attemptTwo?.approvalId).toBeDefined();
    expect(attemptTwo?.approvalId).not.toBe(attemptOneApprovalId);
    expect(await pointerOf('prod')).toBeUndefined();

    const stale = await follow(attemptOneLink);
    expect(stale.statusCode).toBe(404);
    expect(textOf(stale.body)).toContain('no such approval request');
    expect(await getApproval('base', V, 'prod')).not.toHaveProperty('decision');

    const fresh = await follow(approveLinkOf(attemptTwo?.approvalId ?? ''));
    expect(fresh.statusCode).toBe(200);
    await cloud.clock.run('2027-02-02T05:00:00Z');
    expect(await getOutcome('base', V, 'prod')).toMatchObject({ outcome: 'promoted' });
    expect(await pointerOf('prod')).toBe(V);
  });

  it('keeps both attempts in history, and status names the attempt', async () => {
    const items = await readImagePartition('base');
    const lines = historyOf(items).map((e) => e.what);
    expect(lines).toContainEqual(
      expect.stringMatching(/^promotion attempt 2 started by .+platform-engineer: CVE-2027-0042/),
    );
    const devPromotions = historyOf(items, 'dev').filter((e) => e.channel === 'dev' && /promoted/.test(e.what));
    expect(devPromotions.length).toBeGreaterThanOrEqual(2);
    expect(historyOf(items, 'prod').some((e) => /aborted/.test(e.what))).toBe(true);
    expect(attemptLinesOf(items)).toEqual([expect.stringContaining(`${V}: promotion attempt 2 since`)]);
  });
});

import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsmanagerClient } from '../../aws/clients/secretsmanager.js';
import { readPartition } from '../../aws/ledger/image-partition.js';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { KEY_ROTATIONS_PK } from '../../core/trust/key-rotations.js';
import { linksInEmail } from '../../local/simulator/approval-pages.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { functionUrlPost } from '../../local/simulator/function-url.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { al2023Image, OPENSSL_RELEASES, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, OPERATOR, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * `goldsmith rotate-signing-key` through the operator endpoint on the local cloud: both signing keys get a new
 * current value, the old one kept as AWSPREVIOUS, so the link an approver holds from before the rotation still
 * decides. Only the operators' role may ask it.
 */

const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [prodChannel({ approval: { approvers: ['ops-lead'], timeout: '3d' } })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [APPROVER] },
    },
  },
);
const KEYS = ['goldsmith/local/approval-links', 'goldsmith/local/approval-decisions'];

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-02-20T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.17');
  await cloud.clock.run('2027-02-02T00:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

const value = async (name: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS') =>
  (await secretsmanagerClient().send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }))).SecretString;

describe('rotate-signing-key', () => {
  it('is refused to an approver who is no operator, rotating nothing', async () => {
    const before = await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')));
    const reply = await invokeOperatorUrl(cloud, { as: APPROVER, body: { action: 'rotate-signing-key' } });
    expect(reply.status).toBe(403);
    expect(await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')))).toEqual(before);
  });

  it('gives both keys a new value, keeps the old one as AWSPREVIOUS, and the link sent before still decides', async () => {
    const approval = await getApproval('base', '1.0.0/1', 'prod');
    const links = cloud.installed.fakes.sns
      .inbox('ops-lead@example.com')
      .map((d) => linksInEmail(d.body, approval?.approvalId ?? ''))
      .find((l) => l !== undefined);
    expect(links).toBeDefined();
    const before = await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')));

    const reply = await invokeOperatorUrl(cloud, {
      as: OPERATOR,
      body: { action: 'rotate-signing-key', reason: 'the stage was first deployed with 0.1.0' },
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ok: true, result: { rotated: KEYS } });
    const after = await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')));
    for (const [i, v] of after.entries()) {
      expect(v).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(v).not.toBe(before[i]);
    }
    expect(await Promise.all(KEYS.map((k) => value(k, 'AWSPREVIOUS')))).toEqual(before);

    let callback = '';
    for (const [arn, f] of cloud.wiring.functions)
      if (f.handler === 'functions/approval-callback.handler') callback = arn;
    const pressed = (await cloud.invoker.invokeSync(
      callback,
      functionUrlPost(links?.approve ?? '', '', { 'content-type': 'application/x-www-form-urlencoded' }),
    )) as { statusCode: number };
    expect(pressed.statusCode).toBe(200);
    expect(await getApproval('base', '1.0.0/1', 'prod')).toMatchObject({ decision: 'approve', by: 'ops-lead' });
  });

  it('records the rotation in the ledger (who, when, which keys and versions, never a value), told by history --factory', async () => {
    const items = await readPartition(KEY_ROTATIONS_PK);
    expect(items).toHaveLength(1);
    const [record] = items;
    expect(record).toMatchObject({
      by: `arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-local-operators/platform-engineer`,
      reason: 'the stage was first deployed with 0.1.0',
      keys: KEYS.map((name) => ({ name, versionId: expect.stringMatching(/^[0-9a-f-]{36}$/) })),
    });
    const values = await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')));
    for (const v of values) expect(JSON.stringify(record)).not.toContain(v);
    const [line] = historyOf(items);
    expect(line?.what).toMatch(
      /^signing keys rotated by arn:aws:sts::\d+:assumed-role\/goldsmith-local-operators\/platform-engineer: goldsmith\/local\/approval-links \(version [0-9a-f-]{36}\), goldsmith\/local\/approval-decisions \(version [0-9a-f-]{36}\): the stage was first deployed with 0\.1\.0$/,
    );
  });

  it("warns, rotating all the same, when the previous rotation is younger than the approval links' lifetime", async () => {
    const before = await Promise.all(KEYS.map((k) => value(k, 'AWSCURRENT')));
    const again = await invokeOperatorUrl(cloud, { as: OPERATOR, body: { action: 'rotate-signing-key' } });
    expect(again.status).toBe(200);
    const result = (again.body as { result: { rotated: string[]; warning?: string } }).result;
    expect(result.rotated).toEqual(KEYS);
    expect(result.warning).toMatch(
      /^the signing keys were last rotated 0s ago \(.+, by .+platform-engineer\), within the approval links' lifetime \(3d\): links sent before .+ stop working now$/,
    );
    expect(await Promise.all(KEYS.map((k) => value(k, 'AWSPREVIOUS')))).toEqual(before);
    expect(await readPartition(KEY_ROTATIONS_PK)).toHaveLength(2);
    // Once the links' lifetime has passed since the last rotation, a rotation says nothing more.
    await cloud.clock.run('2027-02-05T01:00:00Z');
    const later = await invokeOperatorUrl(cloud, { as: OPERATOR, body: { action: 'rotate-signing-key' } });
    expect((later.body as { result: { warning?: string } }).result.warning).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import { listSoaks } from '../../aws/promotion/promotion-soaks.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { DEV_OU, devChannel, prodChannel } from '../scenarios/helpers.js';
import {
  APPROVER,
  OPERATOR,
  operatorCatalog,
  pointerOf,
  releaseOpenssl,
  SESSION,
  startOperatorCloud,
} from './operator-helpers.js';

// One image, dev soaking two days, prod an hour: what promote, rollback and revoke act on.
const catalog = operatorCatalog(['us-east-1', 'eu-west-1'], [devChannel({ soak: '2d' }), prodChannel({ soak: '1h' })], {
  'ops-lead': [APPROVER],
});

let cloud: LocalCloud;
const release = (version: string) => releaseOpenssl(cloud, version);
const operator = (body: Record<string, unknown>, as = OPERATOR) => invokeOperatorUrl(cloud, { as, body });
// A rollback or revocation waits on the virtual clock for Parameter Store to validate the pointers it moved back.
const operatorOnTheClock = (body: Record<string, unknown>) =>
  cloud.clock.runUntilSettled(cloud.clock.track(() => operator(body)));
const devAccounts = () => cloud.installed.fakes.organizations.accountsUnder(DEV_OU);

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-03-01T00:00:00Z', { approvals: 'none' });
  await release('3.0.17');
  // Built, gated and soaking in dev: its soak would end on the 3rd or 4th.
  await cloud.clock.run('2027-02-02T00:00:00Z');
}, 180_000);

afterAll(() => cloud?.stop());

describe('operator promote: ends a soak early, never a gate', () => {
  it('refuses rollback of a channel that names nothing yet, and promote where nothing soaks', async () => {
    const rollback = await operator({ action: 'rollback', image: 'base', channel: 'prod' });
    expect(rollback).toMatchObject({
      status: 404,
      body: { ok: false, error: 'base/prod names no version: nothing to roll back' },
    });
    const promote = await operator({ action: 'promote', image: 'base', channel: 'prod' });
    expect(promote).toMatchObject({ status: 404, body: { ok: false, error: 'nothing of base is soaking in prod' } });
    expect(await pointerOf('dev')).toBeUndefined();
  });

  it('refuses to release a version retention does not hold for its users, and an approver who tries', async () => {
    const body = { action: 'release', image: 'base', version: '1.0.0/1', reason: 'teams moved' };
    expect(await operator(body)).toMatchObject({
      status: 404,
      body: { ok: false, error: 'base 1.0.0/1 is not held for its users: nothing to release' },
    });
    expect((await operator(body, APPROVER)).status).toBe(403);
    expect(await operator({ ...body, reason: undefined })).toMatchObject({ status: 400 });
  });

  it("refuses unknown images and channels, and callers without the operators' role", async () => {
    expect(await operator({ action: 'promote', image: 'bsae', channel: 'dev' })).toMatchObject({
      status: 404,
      body: { error: 'unknown image "bsae"' },
    });
    expect(await operator({ action: 'promote', image: 'base', channel: 'qa' })).toMatchObject({
      status: 404,
      body: { error: 'image base has no channel "qa"' },
    });
    const approver = await operator({ action: 'promote', image: 'base', channel: 'dev' }, APPROVER);
    expect(approver.status).toBe(403);
    expect((await listSoaks('base')).map((s) => s.state)).toEqual(['soaking']);
  });

  it('ends the dev soak now, recorded with the caller, and the promotion goes on through SoakCheck', async () => {
    const reply = await operator({ action: 'promote', image: 'base', channel: 'dev', reason: 'urgent fix' });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      ok: true,
      action: 'promote',
      result: { image: 'base', version: '1.0.0/1', channel: 'dev', soakEndedEarly: true, by: SESSION },
    });
    expect((await listSoaks('base'))[0]).toMatchObject({
      state: 'ended-early',
      endedBy: SESSION,
      reason: 'urgent fix',
    });
    expect(notificationsOf(cloud).filter((n) => n.event === 'soak-ended-early')).toEqual([
      expect.objectContaining({ image: 'base', channel: 'dev', subject: expect.stringContaining('ended early') }),
    ]);
    await cloud.clock.run('2027-02-02T00:30:00Z');
    const dev = await getOutcome('base', '1.0.0/1', 'dev');
    expect(dev?.outcome).toBe('promoted');
    expect(Date.parse(dev?.at ?? '')).toBeLessThan(Date.parse('2027-02-02T00:30:00Z'));
    expect(await operator({ action: 'promote', image: 'base', channel: 'dev' })).toMatchObject({ status: 404 });
  });

  it('refuses to promote past a failed gate, naming it, and changes nothing', async () => {
    await cloud.clock.run('2027-02-03T00:00:00Z');
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    cloud.installed.fakes.imagebuilder.setFindings('base', { critical: 1, high: 0, medium: 0 });
    await release('3.0.18');
    await cloud.clock.run('2027-02-04T00:00:00Z');

    const reply = await operator({ action: 'promote', image: 'base', channel: 'dev', version: '1.0.0/2' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^1\.0\.0\/2 was rejected for dev \(.*critical.*\): promote ends a soak early, it never passes a gate$/,
      ),
    });
    expect(await pointerOf('dev')).toBe('1.0.0/1');
  });
});

describe("operator rollback and revoke: the lifecycle's own paths, as the caller", () => {
  beforeAll(async () => {
    // A third build soaks out its two days in dev, then an hour in prod.
    await release('3.0.19');
    await cloud.clock.run('2027-02-08T00:00:00Z');
  }, 180_000);

  it('has 1.0.0/3 in both channels', async () => {
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/3', '1.0.0/3']);
  });

  it('refuses a rollback to a named version without a reason, and to one the channel never promoted, changing nothing', async () => {
    const unexplained = await operator({ action: 'rollback', image: 'base', channel: 'dev', version: '1.0.0/1' });
    expect(unexplained).toMatchObject({
      status: 400,
      body: {
        ok: false,
        error:
          'reason: rollback --to VERSION needs --reason R (it is recorded and announced with the move); nothing moved',
      },
    });
    const reply = await operator({
      action: 'rollback',
      image: 'base',
      channel: 'dev',
      version: '1.0.0/2',
      reason: 'x',
    });
    expect(reply).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error:
          "1.0.0/2 is not a launchable version promoted to dev: it was never promoted to dev: it reaches dev only through a promotion that passes dev's gates (goldsmith history base shows where its promotion stands)",
      },
    });
    expect(await pointerOf('dev')).toBe('1.0.0/3');
  });

  it('rolls dev back to the newest earlier version, the consumer pointer with it, recorded as the caller', async () => {
    const reply = await operatorOnTheClock({
      action: 'rollback',
      image: 'base',
      channel: 'dev',
      reason: 'boot regression',
    });

    expect(reply).toMatchObject({
      status: 200,
      body: { ok: true, result: { outcome: 'rolled-back', from: '1.0.0/3', to: '1.0.0/1', by: SESSION } },
    });
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    const ami = (await getChannelPointer('base', 'dev'))?.amis.find((a) => a.region === 'eu-west-1')?.imageId;
    expect(cloud.installed.fakes.ssm.value('eu-west-1', '/goldsmith/base/dev')).toBe(ami);
    expect(await pointerOf('prod')).toBe('1.0.0/3');
  });

  it('rolls dev forward again to 1.0.0/3 (a mistaken rollback taken back): grants put back first, then every pointer', async () => {
    const { ec2, imagebuilder, organizations, ssm } = cloud.installed.fakes;
    const build = [...imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/3'));
    // Someone took 1.0.0/3's grants away by hand: the roll-forward must not point dev's accounts at what they cannot launch.
    for (const { image } of build?.amis ?? []) ec2.images.get(image)?.launchPermissions.clear();

    const reply = await operatorOnTheClock({
      action: 'rollback',
      image: 'base',
      channel: 'dev',
      version: '1.0.0/3',
      reason: 'rolled back the wrong channel',
    });

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        result: { outcome: 'rolled-forward', from: '1.0.0/1', to: '1.0.0/3', by: SESSION, grantCalls: 2 },
      },
    });
    expect(await pointerOf('dev')).toBe('1.0.0/3');
    for (const { region, image } of build?.amis ?? []) {
      expect(ssm.value(region, '/goldsmith/base/dev')).toBe(image);
      for (const account of devAccounts()) expect(ec2.isLaunchableBy(region, image, account, organizations)).toBe(true);
    }
    const notes = notificationsOf(cloud).filter((n) => n.event === 'rolled-back' && n.channel === 'dev');
    expect(notes.at(-1)?.subject).toBe('base/dev: rolled forward to 1.0.0/3');
    // Sent again, the same roll-forward changes nothing and answers the same.
    const again = await operator({
      action: 'rollback',
      image: 'base',
      channel: 'dev',
      version: '1.0.0/3',
      reason: 'rolled back the wrong channel',
    });
    expect(again).toMatchObject({
      status: 409,
      body: { ok: false, error: expect.stringMatching(/dev names it already/) },
    });
  });

  it('keeps every move of a channel rolled back, forward and back again: history and announcements tell each one', async () => {
    const move = (version?: string) =>
      operatorOnTheClock({
        action: 'rollback',
        image: 'base',
        channel: 'dev',
        reason: 'flip',
        ...(version && { version }),
      });
    expect((await move()).body).toMatchObject({ result: { outcome: 'rolled-back', to: '1.0.0/1' } });
    expect((await move('1.0.0/3')).body).toMatchObject({ result: { outcome: 'rolled-forward', to: '1.0.0/3' } });
    expect(await pointerOf('dev')).toBe('1.0.0/3');

    const lines = historyOf(await readImagePartition('base'), 'dev').map((e) => e.what);
    const moves = lines.filter((l) => l.startsWith('pointer rolled'));
    expect(moves.map((l) => l.replace(/ by .*/, ''))).toEqual([
      'pointer rolled back from 1.0.0/3 to 1.0.0/1',
      'pointer rolled forward from 1.0.0/1 to 1.0.0/3',
      'pointer rolled back from 1.0.0/3 to 1.0.0/1',
      'pointer rolled forward from 1.0.0/1 to 1.0.0/3',
    ]);
    const told = cloud.installed.fakes.sns.messages.filter(
      (m) => m.attributes.event === 'rolled-back' && m.attributes.channel === 'dev',
    );
    // Each announced under an id of its own (an announcement is published once per id).
    expect(told.map((m) => m.subject)).toEqual([
      'base/dev: rolled back to 1.0.0/1',
      'base/dev: rolled forward to 1.0.0/3',
      'base/dev: rolled back to 1.0.0/1',
      'base/dev: rolled forward to 1.0.0/3',
    ]);
  });

  it('refuses to roll dev back to a version due to be revoked, naming the way out, until that is called off', async () => {
    const due = '2027-04-01T00:00:00Z';
    const scheduled = await operator({ action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'EOL', at: due });
    expect(scheduled.status).toBe(200);

    const reply = await operator({ action: 'rollback', image: 'base', channel: 'dev', reason: 'boot regression' });
    expect(reply).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: expect.stringMatching(
          /^1\.0\.0\/1 is due to be revoked at 2027-04-01T00:00:00.*\(EOL\): goldsmith revoke base 1\.0\.0\/1 --cancel --reason R calls that off first$/,
        ),
      },
    });
    expect(await pointerOf('dev')).toBe('1.0.0/3');
    const cancelled = await operator({
      action: 'cancel-revocation',
      image: 'base',
      version: '1.0.0/1',
      reason: 'kept',
    });
    expect(cancelled.status).toBe(200);
  });

  it('refuses to revoke a version the image never built', async () => {
    const reply = await operator({ action: 'revoke', image: 'base', version: '9.9.9/9', reason: 'test' });
    expect(reply).toMatchObject({ status: 404, body: { ok: false, error: 'unknown version 9.9.9/9 of base' } });
  });

  it('revokes 1.0.0/3: prod rolls back, its AMIs are launchable by no one, recorded as the caller', async () => {
    const reply = await operatorOnTheClock({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/3',
      reason: 'CVE-2027-0042',
    });

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        result: {
          version: '1.0.0/3',
          by: SESSION,
          alreadyRevoked: false,
          // dev names 1.0.0/3 again since the roll-forward: both channels roll back.
          moves: expect.arrayContaining([
            { channel: 'dev', action: 'roll-back', to: '1.0.0/1' },
            { channel: 'prod', action: 'roll-back', to: '1.0.0/1' },
          ]),
        },
      },
    });
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    const { ec2, imagebuilder, organizations } = cloud.installed.fakes;
    const build = [...imagebuilder.builds.values()].find((b) => b.arn.endsWith('/1.0.0/3'));
    for (const { region, image } of build?.amis ?? []) {
      for (const account of devAccounts())
        expect(ec2.isLaunchableBy(region, image, account, organizations)).toBe(false);
    }
    const again = await operator({ action: 'revoke', image: 'base', version: '1.0.0/3', reason: 'another reason' });
    expect(again).toMatchObject({
      status: 200,
      body: {
        result: {
          alreadyRevoked: true,
          moves: [],
          note: expect.stringMatching(/^already revoked by .+: CVE-2027-0042; this request's reason was not recorded$/),
        },
      },
    });
  });
});

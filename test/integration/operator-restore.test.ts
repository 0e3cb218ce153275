import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, ledgerTable } from '../../aws/clients/dynamodb.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { DEV_OU } from '../scenarios/helpers.js';
import { OPERATOR, pointerOf, releaseOpenssl, SESSION, startTwoVersionsPromoted } from './operator-helpers.js';

let cloud: LocalCloud;
const operator = (body: Record<string, unknown>) => invokeOperatorUrl(cloud, { as: OPERATOR, body });
// A revocation waits on the virtual clock for Parameter Store to validate the pointers it moved back.
const operatorOnTheClock = (body: Record<string, unknown>) =>
  cloud.clock.runUntilSettled(cloud.clock.track(() => operator(body)));
const restore = (version: string, reason = 'false positive: the CVE does not apply') =>
  operator({ action: 'restore', image: 'base', version, reason });

/** The AMIs of one build of base, from the Image Builder fake. */
function amisOf(version: string): { region: string; image: string }[] {
  const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find((b) => b.arn.endsWith(`/${version}`));
  return build?.amis ?? [];
}
const deprecations = (version: string) =>
  amisOf(version).map((a) => cloud.installed.fakes.ec2.images.get(a.image)?.deprecationTime);
const launchableByDev = (version: string) => {
  const { ec2, organizations } = cloud.installed.fakes;
  const accounts = organizations.accountsUnder(DEV_OU);
  return amisOf(version).flatMap((a) =>
    accounts.map((account) => ec2.isLaunchableBy(a.region, a.image, account, organizations)),
  );
};
const restoredNotices = () => notificationsOf(cloud).filter((n) => n.event === 'version-restored');

beforeAll(async () => {
  // One image, two channels with one-hour soaks: 1.0.0/1 and 1.0.0/2 promoted to both.
  cloud = await startTwoVersionsPromoted();
}, 180_000);

afterAll(() => cloud?.stop());

describe('operator restore IMAGE VERSION --reason R', () => {
  it('refuses, changing nothing, a version that is not revoked or that the image never built, and a missing reason', async () => {
    expect(await restore('1.0.0/2')).toMatchObject({
      status: 409,
      body: { ok: false, error: 'base 1.0.0/2 is not revoked: nothing to restore. Nothing changed.' },
    });
    expect(await restore('9.9.9/9')).toMatchObject({
      status: 404,
      body: { ok: false, error: 'unknown version 9.9.9/9 of base' },
    });
    const noReason = await operator({ action: 'restore', image: 'base', version: '1.0.0/2' });
    expect(noReason).toMatchObject({ status: 400, body: { ok: false, error: expect.stringContaining('reason') } });
    expect(await getRevocation('base', '1.0.0/2')).toBeUndefined();
    expect(restoredNotices()).toEqual([]);
  });

  it('restores a revoked version: no longer revoked, undeprecated, launchable again, no pointer moved back', async () => {
    const revoked = await operatorOnTheClock({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/2',
      reason: 'CVE-2027-0042',
    });
    expect(revoked.status).toBe(200);
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/1', '1.0.0/1']);
    expect(deprecations('1.0.0/2').every((d) => typeof d === 'string')).toBe(true);
    expect(launchableByDev('1.0.0/2')).not.toContain(true);

    const reply = await restore('1.0.0/2');

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        action: 'restore',
        result: {
          image: 'base',
          version: '1.0.0/2',
          by: SESSION,
          alreadyRestored: false,
          channels: ['dev', 'prod'],
          amisUndeprecated: amisOf('1.0.0/2').length,
        },
      },
    });
    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({
      state: 'restored',
      reason: 'CVE-2027-0042',
      restoredBy: SESSION,
      restoreReason: 'false positive: the CVE does not apply',
    });
    expect(deprecations('1.0.0/2')).toEqual(amisOf('1.0.0/2').map(() => undefined));
    expect(launchableByDev('1.0.0/2').length).toBeGreaterThan(0);
    expect(launchableByDev('1.0.0/2')).not.toContain(false);
    // Pointers are not moved back by the restore.
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/1', '1.0.0/1']);
    expect(restoredNotices()).toEqual([expect.objectContaining({ image: 'base', subject: 'base 1.0.0/2: restored' })]);
  });

  it('changes nothing the second time, says whose restore it was, and announces nothing again', async () => {
    const reply = await restore('1.0.0/2', 'asked twice');
    expect(reply).toMatchObject({
      status: 200,
      body: {
        result: {
          alreadyRestored: true,
          grantCalls: 0,
          amisUndeprecated: 0,
          note: expect.stringMatching(
            /^already restored by .+; nothing changed, and this request's reason was not recorded$/,
          ),
        },
      },
    });
    expect((await getRevocation('base', '1.0.0/2'))?.restoreReason).toBe('false positive: the CVE does not apply');
    expect(restoredNotices()).toHaveLength(1);
  });

  it('moves no pointer to it: a channel names it again only when an operator moves it there, as a version the channel promoted through its gates', async () => {
    // Newer than dev's 1.0.0/1, and promoted to dev before its revocation: a rollback puts it forward again.
    const forward = await operatorOnTheClock({
      action: 'rollback',
      image: 'base',
      channel: 'dev',
      version: '1.0.0/2',
      reason: 'the CVE does not apply',
    });
    expect(forward).toMatchObject({
      status: 200,
      body: { result: { outcome: 'rolled-forward', from: '1.0.0/1', to: '1.0.0/2' } },
    });
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/2', '1.0.0/1']);
    // The next build goes through gate and soak into both channels; prod can then go back to the restored version,
    // which passed prod's gates when it was promoted there.
    await releaseOpenssl(cloud, '3.0.3');
    await cloud.clock.run('2027-02-04T09:00:00Z');
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/3', '1.0.0/3']);
    const back = await operatorOnTheClock({
      action: 'rollback',
      image: 'base',
      channel: 'prod',
      version: '1.0.0/2',
      reason: 'boot regression in 1.0.0/3',
    });
    expect(back).toMatchObject({ status: 200, body: { result: { outcome: 'rolled-back', to: '1.0.0/2' } } });
    expect(await pointerOf('prod')).toBe('1.0.0/2');
  }, 180_000);

  it('lets a restored version be revoked again, and refuses a restore while a revocation is only scheduled', async () => {
    const again = await operatorOnTheClock({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/2',
      reason: 'CVE-2027-0043',
    });
    expect(again).toMatchObject({ status: 200, body: { result: { alreadyRevoked: false } } });
    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({ state: 'revoked', reason: 'CVE-2027-0043' });
    expect(launchableByDev('1.0.0/2')).not.toContain(true);

    const due = new Date(cloud.clock.now() + 2 * 86_400_000).toISOString();
    const scheduled = await operator({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/1',
      reason: 'EOL',
      at: due,
      withdraw: true,
    });
    expect(scheduled.status).toBe(200);
    const refused = await restore('1.0.0/1');
    expect(refused).toMatchObject({
      status: 409,
      body: { ok: false, error: expect.stringContaining('goldsmith revoke base 1.0.0/1 --cancel') },
    });
    expect(await getRevocation('base', '1.0.0/1')).toBeUndefined();
  });

  it('refuses a revoke that meets a restore of a revocation at or after its own time (a clock ahead), changing nothing', async () => {
    // Another invocation, its clock a minute ahead of this one's, revoked 1.0.0/2 and an operator restored it: the
    // restore took back a revocation later than this request's now, so this request revokes nothing.
    const ahead = (ms: number) => new Date(cloud.clock.now() + ms).toISOString();
    const record = {
      ...(await getRevocation('base', '1.0.0/2')),
      state: 'restored',
      revokedAt: ahead(60_000),
      restoredAt: ahead(120_000),
      restoredBy: 'security',
      restoreReason: 'the CVE does not apply',
    };
    await documentClient().send(new PutCommand({ TableName: ledgerTable(), Item: record }));

    const refused = await operatorOnTheClock({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/2',
      reason: 'CVE-2027-0044',
    });

    expect(refused).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: expect.stringMatching(
          /^base 1\.0\.0\/2 was restored at \S+ from a revocation at or after this request's time \(\S+\): nothing was revoked; run the revoke again$/,
        ),
      },
    });
    expect(await getRevocation('base', '1.0.0/2')).toStrictEqual(record);
  });
});

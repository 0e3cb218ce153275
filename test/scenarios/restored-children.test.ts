import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { al2023Image, catalogInput, childImage, devThenProdSoakingAnHour, OPENSSL_RELEASES } from './helpers.js';
import { revokedThenRestored } from './revocation-events.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * base (openssl releases) through dev and prod, app built on base's prod pointer. base 1.0.0/2 is revoked (prod back
 * to 1.0.0/1, app rebuilt on it as app 1.0.0/3), then restored: no pointer moves, app stays on 1.0.0/1. `status` and
 * `history` say so and what rebuilds app on 1.0.0/2; following what they say rebuilds it there.
 */
const catalog = catalogInput(
  {
    base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }),
    app: childImage('base', 'prod', { regions: ['us-east-1'] }),
  },
  devThenProdSoakingAnHour(),
);
const scenario = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-09T00:00:00Z',
  organization: { accountsPerOu: 1 },
  events: revokedThenRestored('2027-01-08T12:00:00Z'),
};

const WANTED =
  "rebuild wanted: app 1.0.0/3 was built on base 1.0.0/1, prod's replacement of 1.0.0/2 while it was revoked; " +
  'to rebuild it on 1.0.0/2: ';
const BUILD = 'goldsmith build app --reason "rebuild on base 1.0.0/2"';
const OPS = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/ops';
const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('after a restore, the children rebuilt on the replacement parent are named with what rebuilds them', () => {
  const run = useSavedRun('goldsmith-restored-children-', catalog, scenario);
  const cloud = () => run().cloud;

  it('status names app 1.0.0/3, the parent version it was built on, and the rollback then the build', async () => {
    const { stdout } = await goldsmith(['status', '--local', cloud()]);
    expect(stdout).toContain(`  ${WANTED}goldsmith rollback base prod --to 1.0.0/2 --reason R, then ${BUILD}\n`);
  });

  it('history tells it at the restore, after the restore line', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', cloud()]);
    const lines = stdout.split('\n');
    const restored = lines.findIndex((l) => /^2027-01-08 12:00 {2}1\.0\.0\/2 .* restored by /.test(l));
    expect(restored).toBeGreaterThanOrEqual(0);
    expect(lines[restored + 1]).toMatch(new RegExp(`^2027-01-08 12:00  1\\.0\\.0/2 +prod +${literally(WANTED)}`));
  });

  it('following it: once prod names 1.0.0/2 again only the build is left, and once app is rebuilt nothing', async () => {
    const forward = await goldsmith([
      'rollback',
      'base',
      'prod',
      '--to',
      '1.0.0/2',
      '--reason',
      'restored',
      '--local',
      cloud(),
      '--as',
      OPS,
    ]);
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.stdout).toContain('rollback: base/prod moved forward from 1.0.0/1 to 1.0.0/2\n');
    expect((await goldsmith(['status', '--local', cloud()])).stdout).toContain(`  ${WANTED}${BUILD}\n`);

    const build = await goldsmith([
      'build',
      'app',
      '--reason',
      'rebuild on base 1.0.0/2',
      '--local',
      cloud(),
      '--as',
      OPS,
    ]);
    expect(build.code, build.stderr).toBe(0);
    await goldsmith(['simulate', '--resume', cloud(), '--until', '2027-01-10T00:00:00Z', '--json']);
    const after = await goldsmith(['status', '--local', cloud()]);
    expect(after.stdout).not.toContain('rebuild wanted');
    // The manual build of app was built on what base/prod named then: the restored 1.0.0/2.
    const { snapshot } = JSON.parse(readFileSync(join(cloud(), 'state.json'), 'utf8')) as {
      snapshot: { ledger: Record<string, unknown>[] };
    };
    const rebuilt = snapshot.ledger.find((i) => i.pk === 'IMAGE#app' && i.sk === 'BUILD#1.0.0/4');
    expect(rebuilt).toMatchObject({ trigger: 'manual', parent: { image: 'base', buildVersion: '1.0.0/2' } });
  });
});

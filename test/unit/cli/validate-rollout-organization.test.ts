import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../cli/validate.js';
import { failedAccountsTolerated } from '../../../core/sharing/member-baseline.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const VALID = JSON.parse(readFileSync(join(REPO, 'test/fixtures/catalogs/valid.json'), 'utf8'));
const MANAGED = { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } };
const [WEB, API] = ['ou-ab12-web00001', 'ou-ab12-api00001'];

/**
 * prod targets the web OU and rolls out to a canary account, then the OU; dev targets the api OU. The scenario's
 * organization gives the web OU accounts 200000000001-2 and the api OU 200000000003-4.
 */
function files(canary: string) {
  const dir = testTempDir('goldsmith-validate-waves-');
  const channels = [
    { name: 'prod', targets: { ous: [WEB] }, rollout: { waves: [{ name: 'canary', accounts: [canary] }] } },
    { name: 'dev', targets: { ous: [API] } },
  ];
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ ...VALID, images: MANAGED, channels }));
  const scenario = { start: '2027-01-01T00:00:00Z', until: '2027-01-02T00:00:00Z', organization: { accountsPerOu: 2 } };
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario));
  return { catalog: join(dir, 'catalog.json'), scenario: join(dir, 'scenario.json') };
}

const validate = (args: string[]) => captureOutput(() => command.run(['--catalog-only', ...args]));

describe('goldsmith validate: rollout wave accounts against the organization', () => {
  it('refuses a wave account outside the organization, naming the field; without an organization it cannot tell', async () => {
    const { catalog, scenario } = files('999999999999');
    const { code, stdout } = await validate(['--config', catalog, '--scenario', scenario]);
    expect([code, stdout]).toEqual([
      1,
      `channels[0].rollout.waves[0].accounts[0]: 999999999999 is not an account of the organization ${scenario} describes\n`,
    ]);
    expect((await validate(['--config', catalog])).code).toBe(0);
  });

  it("refuses a member account the channel's targets do not reach, and accepts one they do", async () => {
    const outside = files('200000000003');
    const { code, stdout } = await validate(['--config', outside.catalog, '--scenario', outside.scenario]);
    expect([code, stdout]).toEqual([
      1,
      `channels[0].rollout.waves[0].accounts[0]: 200000000003 is not among the active accounts channel "prod"'s targets reach in the organization ${outside.scenario} describes\n`,
    ]);
    const inside = files('200000000002');
    expect((await validate(['--config', inside.catalog, '--scenario', inside.scenario])).code).toBe(0);
  });
});

describe("goldsmith validate: the member baseline's failure tolerance for a rolling channel", () => {
  /** prod alone, on the web OU, rolling out to it in one wave; the scenario gives the OU `accounts` accounts. */
  async function warningsAt(accounts: number): Promise<string[]> {
    const dir = testTempDir('goldsmith-validate-tolerance-');
    const channels = [{ name: 'prod', targets: { ous: [WEB] }, rollout: { waves: [{ name: 'all', ous: [WEB] }] } }];
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ ...VALID, images: MANAGED, channels }));
    const scenario = {
      start: '2027-01-01T00:00:00Z',
      until: '2027-01-02T00:00:00Z',
      organization: { accountsPerOu: accounts },
    };
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario));
    const args = ['--json', '--config', join(dir, 'catalog.json'), '--scenario', join(dir, 'scenario.json')];
    const { code, stdout } = await validate(args);
    expect(code).toBe(0);
    return JSON.parse(stdout).warnings;
  }

  it('tolerates floor(10 % of the accounts) failed: none at 3 and 9, one at 10', () => {
    expect([3, 9, 10, 25].map((n) => failedAccountsTolerated(n))).toEqual([0, 0, 1, 2]);
  });

  it('warns at 3 and 9 accounts that one failing account stops the baseline for the rest, and not at 10', async () => {
    const [three] = await warningsAt(3);
    expect(three).toMatch(
      /^channels\[0\]\.rollout: the member baseline reaches 3 account\(s\) per Region in the organization .* describes, and its operations tolerate floor\(10 % of 3\) = 0 failed: one account whose baseline stack fails stops/,
    );
    expect(await warningsAt(9)).toEqual([expect.stringContaining('reaches 9 account(s)')]);
    expect(await warningsAt(10)).toEqual([]);
  });
});

describe("goldsmith validate: the AMI key's grants quota per Region", () => {
  /** prod on the web OU of `accounts` accounts, each running `instances` instances of base (one volume each). */
  async function warningsAt(accounts: number, instances: number): Promise<string[]> {
    const dir = testTempDir('goldsmith-validate-grants-');
    const channels = [{ name: 'prod', targets: { ous: [WEB] } }];
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ ...VALID, images: MANAGED, channels }));
    const scenario = {
      start: '2027-01-01T00:00:00Z',
      until: '2027-01-02T00:00:00Z',
      organization: { accountsPerOu: accounts },
      fleets: [{ image: 'base', channel: 'prod', instances }],
    };
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario));
    const args = ['--json', '--config', join(dir, 'catalog.json'), '--scenario', join(dir, 'scenario.json')];
    const { code, stdout } = await validate(args);
    expect(code).toBe(0);
    return JSON.parse(stdout).warnings;
  }

  it('warns from 80 % of the 50,000 grants a key holds: one per account and one per attached volume', async () => {
    // 4,000 accounts × (1 + 9 volumes) = 40,000 grants in eu-west-1: 80 %.
    expect(await warningsAt(4_000, 9)).toEqual([
      expect.stringMatching(
        /^the AMI key in eu-west-1 holds 40000 grants in the organization .* describes, at 9 attached volume\(s\) per account \(4000 explicit, 36000 for attached EBS volumes\), 80 % of KMS's 50000 per key/,
      ),
    ]);
    // 4,000 × (1 + 8) = 36,000: 72 %, no warning.
    expect(await warningsAt(4_000, 8)).toEqual([]);
  });
});

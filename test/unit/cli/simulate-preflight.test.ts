import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';
import { scenarioPreflightProblems } from '../../../local/simulator/scenario-preflight.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';
import { catalogOf } from '../../scenarios/helpers.js';
import { CANARY, FOLLOWING_FLEET, threeWaveCatalog } from '../../scenarios/rollout-catalog.js';

/**
 * `goldsmith simulate` checks where it will write and what the scenario asks before anything runs, as it checks a
 * catalog: one line naming the option or field, exit 1, no header, no timeline, nothing written.
 */

const SCENARIO = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-08T00:00:00Z',
  organization: { accountsPerOu: 1 },
};

function scenarioFile(dir: string, scenario: Record<string, unknown> = SCENARIO): string {
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

async function refused(args: string[]) {
  const out = await captureOutput(() => main(['simulate', ...args]));
  const said = `${out.stdout}${out.stderr}`.trim().split('\n');
  return { code: out.code, said };
}

describe('goldsmith simulate refuses before it runs', () => {
  it('--html into a folder that does not exist', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const html = join(dir, 'missing', 'run.html');

    const { code, said } = await refused(['--scenario', scenarioFile(dir), '--html', html]);

    expect(code).toBe(1);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/--html: folder \S+missing does not exist/);
    expect(readdirSync(dir)).toEqual(['scenario.json']);
  });

  it('--html naming a folder', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const { code, said } = await refused(['--scenario', scenarioFile(dir), '--html', dir]);
    expect(code).toBe(1);
    expect(said).toEqual([expect.stringMatching(/--html: \S+ is a folder: name the file to write/)]);
  });

  it('--save onto an existing file, leaving the file as it was', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const file = join(dir, 'cloud');
    writeFileSync(file, 'mine');

    const { code, said } = await refused(['--scenario', scenarioFile(dir), '--save', file]);

    expect(code).toBe(1);
    expect(said).toEqual([expect.stringMatching(/--save: \S+cloud is a file, not a folder/)]);
    expect(readdirSync(dir).sort()).toEqual(['cloud', 'scenario.json']);
  });

  it('--save below an existing file', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    writeFileSync(join(dir, 'cloud'), 'mine');
    const { code, said } = await refused(['--scenario', scenarioFile(dir), '--save', join(dir, 'cloud', 'run')]);
    expect(code).toBe(1);
    expect(said).toEqual([expect.stringMatching(/--save: \S+cloud is a file, so no folder can be made at/)]);
  });

  it('an until before the start', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const file = scenarioFile(dir, { ...SCENARIO, until: '2026-12-01T00:00:00Z' });

    const { code, said } = await refused(['--scenario', file, '--html', join(dir, 'run.html')]);

    expect(code).toBe(1);
    expect(said).toEqual([
      'scenario.until: 2026-12-01T00:00:00Z is not after scenario.start (2027-01-01T00:00:00Z): nothing would run',
    ]);
    expect(existsSync(join(dir, 'run.html'))).toBe(false);
  });

  it('an alarm or a failing refresh naming an OU the organization lacks (one created by the scenario is known)', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const alarm = { at: '2027-01-02T00:00:00Z', alarm: 'high-errors', for: '2h' };
    const file = scenarioFile(dir, {
      ...SCENARIO,
      events: [{ at: '2027-01-01T06:00:00Z', kind: 'organization', change: 'create-ou', ou: 'ou-x1y2-new00001' }],
      faults: {
        alarms: [
          { ...alarm, ou: 'ou-x1y2-prd00001' },
          { ...alarm, ou: 'ou-x1y2-new00001' },
          { ...alarm, ou: 'ou-x1y2-nope0001' },
        ],
        refreshFailures: [{ ou: 'ou-zzzz-nope0002' }],
      },
    });

    const { code, said } = await refused(['--scenario', file]);

    expect(code).toBe(1);
    expect(said).toEqual([
      expect.stringMatching(/^scenario\.faults\.alarms\.2\.ou: no OU "ou-x1y2-nope0001" in the organization \(it has /),
      expect.stringMatching(/^scenario\.faults\.refreshFailures\.0\.ou: no OU "ou-zzzz-nope0002" in the organization/),
    ]);
  });
});

describe('goldsmith simulate refuses a rollout wave the scenario’s organization would not let run', () => {
  it('names the wave and the account its channel’s targets do not reach (a dev account in a prod wave), and runs nothing', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const config = join(dir, 'catalog.json');
    // The dev OU's first account (the organization numbers dev's accounts first), in prod's canary wave.
    const DEV_ACCOUNT = '200000000001';
    const catalog = threeWaveCatalog();
    const prod = catalog.channels.find((c) => c.name === 'prod');
    const waves = prod?.rollout?.waves ?? [];
    waves[0] = { name: 'canary', accounts: [DEV_ACCOUNT] };
    writeFileSync(config, JSON.stringify(catalog));
    const { code, said } = await refused([
      '--config',
      config,
      '--scenario',
      scenarioFile(dir),
      '--html',
      join(dir, 'r.html'),
    ]);
    expect(code).toBe(1);
    expect(said).toEqual([
      `scenario: channel "prod"'s rollout wave "canary" names account ${DEV_ACCOUNT}, which channel "prod"'s targets do not reach in the organization the scenario describes: the rollout would pass it over without a word (catalog channels[1].rollout.waves[0].accounts[0])`,
    ]);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });

  it('leaves to the run an account a scenario organization event names (moved into the channel’s targets mid-run)', async () => {
    const input = threeWaveCatalog();
    const waves = input.channels.find((c) => c.name === 'prod')?.rollout?.waves ?? [];
    waves[0] = { name: 'canary', accounts: ['200000000001'] };
    const catalog = catalogOf(input);
    const move = { at: '2027-01-02T00:00:00Z', kind: 'organization', change: 'move-account' };
    const scenario = (events: unknown[]) => scenarioSchema.parse({ ...SCENARIO, events });
    expect(scenarioPreflightProblems(scenario([]), catalog)).toHaveLength(1);
    expect(
      scenarioPreflightProblems(scenario([{ ...move, account: '200000000001', to: 'ou-x1y2-prd00002' }]), catalog),
    ).toEqual([]);
  });
});

describe('goldsmith simulate refuses a fleet shape for an account outside the fleet', () => {
  const fleet = (shapes: Record<string, unknown>, accountsPerOu?: number) => ({
    ...FOLLOWING_FLEET,
    ...(accountsPerOu && { accountsPerOu }),
    shapes,
  });

  it('names the account and the fleet’s accounts in one line, and runs nothing', async () => {
    const dir = testTempDir('goldsmith-preflight-');
    const config = join(dir, 'catalog.json');
    writeFileSync(config, JSON.stringify(threeWaveCatalog()));
    const file = scenarioFile(dir, {
      ...SCENARIO,
      fleets: [fleet({ [CANARY]: 'ecs-capacity-provider', '200000000099': 'standby' })],
    });
    const { code, said } = await refused(['--config', config, '--scenario', file, '--html', join(dir, 'r.html')]);
    expect(code).toBe(1);
    expect(said).toEqual([
      expect.stringMatching(
        /^scenario\.fleets\.0\.shapes\.200000000099: account 200000000099 is not in the fleet \(the accounts channel "prod"'s targets reach in the organization the scenario describes: 200000000002, 200000000003, 300000000001\): its shape would shape no group$/,
      ),
    ]);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });

  it('counts the fleet’s accounts per OU as the run picks them, and leaves an account an organization event names to the run', () => {
    const catalog = catalogOf(threeWaveCatalog());
    const scenario = (accountsPerOu: number, events: unknown[] = []) =>
      scenarioSchema.parse({
        ...SCENARIO,
        organization: { accountsPerOu: 3 },
        events,
        fleets: [fleet({ [CANARY]: 'standby', '200000000004': 'standby', '200000000005': 'standby' }, accountsPerOu)],
      });
    expect(scenarioPreflightProblems(scenario(2), catalog)).toEqual([]);
    // One account per OU: prod's first OU (200000000004–6) gives the fleet its first account only.
    expect(scenarioPreflightProblems(scenario(1), catalog)).toEqual([
      expect.stringMatching(
        /^scenario\.fleets\.0\.shapes\.200000000005: account 200000000005 is not in the fleet \(.*, 1 per OU: 200000000004, /,
      ),
    ]);
    const move = { at: '2027-01-02T00:00:00Z', kind: 'organization', change: 'move-account', to: 'ou-x1y2-prd00002' };
    expect(scenarioPreflightProblems(scenario(1, [{ ...move, account: '200000000005' }]), catalog)).toEqual([]);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { rolloutActedText } from '../../../cli/operator/rollout-text.js';
import type { RolloutRecord } from '../../../core/rollout/record.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const goldsmith = (args: string[]) => captureOutput(() => main(args));
const ALICE = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';

/** base 1.0.0/3 rolling out to prod, paused by Alice in its second wave; 1.0.0/2's rollout completed before. */
const ROLLOUTS: (RolloutRecord & { pk: string; sk: string })[] = [
  {
    pk: 'IMAGE#base',
    sk: 'ROLLOUT#prod#1.0.0/2',
    ...rolloutRecord({
      version: '1.0.0/2',
      state: 'completed',
      startedAt: '2027-01-02T08:00:00.000Z',
      updatedAt: '2027-01-03T08:00:00.000Z',
      endedAt: '2027-01-03T08:00:00.000Z',
      currentWave: 0,
      waves: [{ name: 'all', state: 'healthy', groups: [] }],
      openWork: undefined,
    }),
  },
  {
    pk: 'IMAGE#base',
    sk: 'ROLLOUT#prod#1.0.0/3',
    ...rolloutRecord({
      amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60003' },
      state: 'paused',
      by: ALICE,
      reason: 'peak trading week',
      updatedAt: '2027-01-05T09:40:00.000Z',
      waves: [
        {
          name: 'canary',
          state: 'healthy',
          startedAt: '2027-01-05T08:00:00.000Z',
          endedAt: '2027-01-05T09:12:00.000Z',
          groups: [],
        },
        {
          name: 'wave-1',
          state: 'refreshing',
          startedAt: '2027-01-05T09:12:00.000Z',
          groups: [{ ...rolloutGroup('222222222222', 'InProgress'), group: 'web', refreshId: 'r-1' }],
        },
      ],
      skippedGroups: [{ account: '333333333333', region: 'eu-west-1', group: 'batch', reason: 'resolve:ssm: AMI' }],
    }),
  },
];

/** A saved local cloud whose ledger holds the two rollouts: what the commands refuse or show without a replay. */
function savedCloud(): Promise<string> {
  return writeSavedCloud(join(testTempDir('goldsmith-rollout-'), 'cloud'), {
    catalogFile: join(REPO, 'goldsmith.config.ts'),
    at: '2027-01-05T10:00:00.000Z',
    ledger: ROLLOUTS,
  });
}

describe('goldsmith rollout: arguments and refusals before anything is sent or replayed', () => {
  it('asks for the subcommand, names an unknown one, and prints its help', async () => {
    expect(await goldsmith(['rollout'])).toMatchObject({
      code: 1,
      stderr:
        'goldsmith rollout: name the rollout command: goldsmith rollout status|pause|resume|abort|retry IMAGE CHANNEL\n',
    });
    expect((await goldsmith(['rollout', 'halt', 'base', 'prod'])).stderr).toContain('unknown rollout command "halt"');
    const help = await goldsmith(['rollout', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pause --reason R  no new wave starts; refreshes already running go on');
  });

  it('gives status and retry their own --help, not the command-wide one', async () => {
    const status = await goldsmith(['rollout', 'status', '--help']);
    const retry = await goldsmith(['rollout', 'retry', '--help']);

    expect(status.code).toBe(0);
    expect(status.stdout.split('\n')[0]).toBe(
      'usage: goldsmith rollout status IMAGE CHANNEL [--version V] (--stage STAGE | --local DIR) [--json]',
    );
    expect(status.stdout).toContain('  --version V       the rollout of build version V');
    expect(status.stdout).not.toContain('pause --reason R');
    expect(retry.stdout.split('\n')[0]).toBe(
      'usage: goldsmith rollout retry IMAGE CHANNEL [--version V] [--reason R] (--stage STAGE | --local DIR) [--json]',
    );
  });

  it('pause and abort need a reason; an unknown channel is named with the channels the image goes through', async () => {
    const dir = await savedCloud();
    expect(await goldsmith(['rollout', 'pause', 'base', 'prod', '--local', dir])).toMatchObject({
      code: 1,
      stderr: 'goldsmith rollout: rollout pause needs --reason R (it is announced and kept)\n',
    });
    expect((await goldsmith(['rollout', 'abort', 'base', 'prod', '--local', dir])).stderr).toContain(
      'rollout abort needs --reason R',
    );
    expect((await goldsmith(['rollout', 'resume', 'base', 'qa', '--local', dir])).stderr).toContain(
      'unknown channel "qa" for base',
    );
  });

  it('refuses to pause a paused rollout and to resume where none runs, from the snapshot, at once', async () => {
    const dir = await savedCloud();
    const started = performance.now();

    const pause = await goldsmith(['rollout', 'pause', 'base', 'prod', '--reason', 'again', '--local', dir]);
    const resume = await goldsmith(['rollout', 'resume', 'base', 'staging', '--local', dir]);
    const abortEnded = await goldsmith([
      'rollout',
      'abort',
      'base',
      'prod',
      '--version',
      '1.0.0/2',
      '--reason',
      'x',
      '--local',
      dir,
      '--json',
    ]);

    expect(pause).toEqual({
      code: 1,
      stdout: '',
      stderr: `goldsmith rollout pause: the rollout of base 1.0.0/3 to prod is already paused by ${ALICE} since 2027-01-05T09:40:00.000Z: peak trading week\n`,
    });
    expect(resume.stderr).toBe('goldsmith rollout resume: base/staging has no rollout: nothing to resume\n');
    // retry: only a halted rollout, refused from the snapshot in one line.
    const retry = await goldsmith(['rollout', 'retry', 'base', 'prod', '--local', dir]);
    expect(retry).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'goldsmith rollout retry: the rollout of base 1.0.0/3 to prod is paused, wave 2/2 (wave-1): nothing to retry (only a halted rollout is retried)\n',
    });
    expect(abortEnded.code).toBe(1);
    expect(JSON.parse(abortEnded.stdout)).toMatchObject({ status: 409, ok: false });
    // Nothing was replayed: a replay of even an empty week takes seconds.
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe('goldsmith rollout status', () => {
  it("shows the channel's current rollout: where it stands, each wave, its groups and the skipped ones", async () => {
    const { code, stdout } = await goldsmith(['rollout', 'status', 'base', 'prod', '--local', await savedCloud()]);

    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 6)).toEqual([
      `base/prod rollout 1.0.0/3: wave 2/2 (wave-1) refreshing 0/1 group done, canary healthy 2027-01-05 09:12; paused by ${ALICE} since 2027-01-05 09:40: peak trading week; 1 group skipped`,
      '  started 2027-01-05 08:00; AMIs us-east-1 ami-0a1b2c3d4e5f60003',
      '  wave 1/2 canary: healthy (started 2027-01-05 08:00, ended 2027-01-05 09:12)',
      '  wave 2/2 wave-1: refreshing (started 2027-01-05 09:12)  <- under way',
      '    222222222222 us-east-1 web: InProgress (template lt-0123456789abcdef0 v4 -> v5, refresh r-1)',
      '  skipped (1):',
    ]);
  });

  it('shows an ended rollout named by version, and the record as JSON', async () => {
    const dir = await savedCloud();
    const ended = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', '1.0.0/2', '--local', dir]);
    const json = await goldsmith(['rollout', 'status', 'base', 'prod', '--local', dir, '--json']);
    const none = await goldsmith(['rollout', 'status', 'base', 'dev', '--local', dir]);

    expect(ended.stdout.split('\n')[0]).toBe('base/prod rollout 1.0.0/2: completed at 2027-01-03 08:00');
    expect(JSON.parse(json.stdout)).toMatchObject({
      image: 'base',
      channel: 'prod',
      rollout: { version: '1.0.0/3', state: 'paused' },
    });
    expect(none.stdout).toBe(
      'base/dev has no rollout yet (a channel rolls out when the catalog gives it channels[].rollout)\n',
    );
  });
});

describe('goldsmith rollout status --version naming no rollout', () => {
  it('says the version has no rollout, lists the versions that have one, and exits 1, in text and JSON', async () => {
    const dir = await savedCloud();
    const text = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', '1.0.0/9', '--local', dir]);
    const json = await goldsmith([
      'rollout',
      'status',
      'base',
      'prod',
      '--version',
      '1.0.0/9',
      '--local',
      dir,
      '--json',
    ]);
    const dev = await goldsmith(['rollout', 'status', 'base', 'dev', '--version', '1.0.0/3', '--local', dir]);

    expect(text).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'goldsmith rollout: --version 1.0.0/9: base 1.0.0/9 has no rollout to prod (versions with one: 1.0.0/3, 1.0.0/2)\n',
    });
    expect(json.code).toBe(1);
    expect(dev.stderr).toBe(
      'goldsmith rollout: --version 1.0.0/3: base 1.0.0/3 has no rollout to dev (no version of base has one)\n',
    );
  });
});

describe('goldsmith history --verbose (docs/rollout.md), on the saved rollouts', () => {
  it("lists the rollout's skipped groups with their reasons, where without it they are only counted", async () => {
    const dir = await savedCloud();
    const plain = await goldsmith(['history', 'base', '--local', dir]);
    const verbose = await goldsmith(['history', 'base', '--verbose', '--local', dir]);

    expect([plain.code, verbose.code]).toEqual([0, 0]);
    expect(plain.stdout).not.toContain('batch');
    expect(plain.stdout).toContain('rollout: 1 group following the channel skipped (not refreshed)\n');
    expect(verbose.stdout).toBe(`${plain.stdout}${' '.repeat(39)}batch in 333333333333 eu-west-1: resolve:ssm: AMI\n`);
  });
});

describe('what an acting rollout command prints when it acted', () => {
  it('one line: the rollout, what was done at which wave, by whom and why', () => {
    const result = { image: 'base', channel: 'prod', version: '1.0.0/3', wave: 2, waves: 3, by: ALICE };
    expect(rolloutActedText({ ...result, state: 'paused', reason: 'peak week' })).toBe(
      `base 1.0.0/3 to prod: paused at wave 2/3 by ${ALICE}: peak week`,
    );
    expect(rolloutActedText({ ...result, state: 'running' })).toBe(
      `base 1.0.0/3 to prod: resumed at wave 2/3 by ${ALICE}`,
    );
    expect(rolloutActedText({ ...result, state: 'running', retried: true, reason: 'fixed' })).toBe(
      `base 1.0.0/3 to prod: retried from wave 2/3 by ${ALICE}: fixed (a new execution runs it)`,
    );
  });

  it('says a repeated retry is the same retry, started nothing new', () => {
    const again = {
      image: 'base',
      channel: 'prod',
      version: '1.0.0/3',
      wave: 2,
      waves: 3,
      by: ALICE,
      state: 'running',
    };
    expect(
      rolloutActedText({
        ...again,
        retried: true,
        alreadyRetried: true,
        reason: 'fixed',
        at: '2027-01-20T10:00:00.000Z',
      }),
    ).toBe(
      `base 1.0.0/3 to prod: already retried from wave 2/3 by ${ALICE} at 2027-01-20T10:00:00.000Z: fixed (the same retry: no new execution)`,
    );
  });
});

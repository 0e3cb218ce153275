import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { buildTimeline } from '../../../local/simulator/timeline.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const goldsmith = (args: string[]) => captureOutput(() => main(args));

/** A saved local cloud with nothing in it yet: enough for the checks made before anything is replayed. */
function emptySavedCloud(): Promise<string> {
  return writeSavedCloud(join(testTempDir('goldsmith-messages-'), 'cloud'), {
    catalogFile: join(REPO, 'goldsmith.config.ts'),
    at: '2027-01-08T00:00:00.000Z',
    ledger: [],
  });
}

describe('messages that name the problem and the fix', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('status --stage without AWS credentials: one line naming the missing credentials and how to sign in', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[name];
    }
    // No credentials anywhere the SDK's chain looks, and never the instance metadata service (tests stay offline).
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(REPO, 'no-such-credentials');
    process.env.AWS_CONFIG_FILE = join(REPO, 'no-such-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_REGION = 'us-east-1';

    const { code, stderr } = await goldsmith(['status', '--stage', 'prod']);

    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^goldsmith status: no AWS credentials found \(.*\): sign in \(aws sso login, /);
    expect(stderr).toContain('--local DIR');
    expect(stderr).not.toContain('    at ');
  });

  it('history with no image asks for the image before anything about where it acts', async () => {
    const { code, stderr } = await goldsmith(['history']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      'goldsmith history: name the image: goldsmith history IMAGE [--channel C] (--stage STAGE | --local DIR)\n',
    );
  });

  it('approve on a saved cloud without --as names the channel approvers and --as, before any replay', async () => {
    const started = performance.now();
    const { code, stderr } = await goldsmith(['approve', 'web-runtime', 'prod', '--local', await emptySavedCloud()]);

    expect(code).toBe(1);
    expect(stderr).toBe(
      "goldsmith approve: approve acts as one of web-runtime/prod's approvers (ops-lead, security-reviewer): " +
        'pass --as NAME, e.g. --as ops-lead\n',
    );
    // Nothing was replayed: a replay of even an empty week takes seconds.
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('lifecycle release: asks for the subcommand, the reason, and refuses a version that is not held, before any replay', async () => {
    expect(await goldsmith(['lifecycle'])).toMatchObject({
      code: 1,
      stderr: 'goldsmith lifecycle: name the lifecycle command: goldsmith lifecycle release IMAGE VERSION --reason R\n',
    });
    const dir = await emptySavedCloud();
    expect(await goldsmith(['lifecycle', 'release', 'base', '1.0.0/1', '--local', dir])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('release needs --reason R'),
    });
    const started = performance.now();
    const unknown = await goldsmith(['lifecycle', 'release', 'base', '1.0.0/1', '--reason', 'moved', '--local', dir]);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown version 1.0.0/1 of base') });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('operator arguments of the wrong form are refused before any replay, naming the argument and the form it takes', async () => {
    const dir = await emptySavedCloud();
    const started = performance.now();
    const at = await goldsmith(['revoke', 'base', '1.0.0/1', '--reason', 'CVE', '--at', 'tomorrow', '--local', dir]);
    expect(at).toMatchObject({
      code: 1,
      stderr:
        'goldsmith revoke: --at: "tomorrow" is not an ISO-8601 time with its zone, like "2027-01-20T09:00:00Z" ' +
        'or "2027-01-20T10:00:00+01:00"\n',
    });
    expect(await goldsmith(['revoke', 'base', 'v3', '--reason', 'CVE', '--local', dir])).toMatchObject({
      code: 1,
      stderr: 'goldsmith revoke: VERSION: "v3" is not a build version like "1.0.0/3"\n',
    });
    const args = ['base', 'prod', '--as', 'ops-lead', '--local', dir];
    expect(await goldsmith(['approve', ...args, '--version', '1.0'])).toMatchObject({
      code: 1,
      stderr: 'goldsmith approve: --version: "1.0" is not a build version like "1.0.0/3"\n',
    });
    expect(await goldsmith(['reject', ...args])).toMatchObject({
      code: 1,
      stderr: 'goldsmith reject: reject needs --reason R (it is announced to the people who asked, and kept)\n',
    });
    expect(await goldsmith(['rollback', 'base', 'prod', '--to', '1.0.0/3', '--local', dir])).toMatchObject({
      code: 1,
      stderr:
        'goldsmith rollback: rollback --to VERSION needs --reason R (it is recorded and announced with the move)\n',
    });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('a .ts catalog with a syntax error: the file, line and the error itself', () => {
    const dir = testTempDir('goldsmith-bad-catalog-');
    const file = join(dir, 'broken.config.ts');
    writeFileSync(file, "export default {\n  images: {\n    base: { description: 'x',\n  }\n  channels: [],\n};\n");

    const result = spawnSync(process.execPath, [join(REPO, 'bin/goldsmith.mjs'), 'validate', '--config', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe(
      `catalog: cannot load ${file}: ${file}:5:2: ERROR: Expected "}" but found "channels"`,
    );
  });

  it('marks failures the scenario scripts (a failed build, a tampered approval link) as part of it', () => {
    const at = '2027-02-06T00:10:00.000Z';
    const timeline = buildTimeline(
      { builds: [], promotions: [], notifications: [] },
      [
        {
          at,
          image: 'web-runtime',
          version: '1.0.0/6',
          status: 'FAILED',
          reason: 'nginx -t exited 1',
          scripted: "the scenario's build-fails event",
        },
        { at, image: 'base', version: '1.0.0/7', status: 'FAILED', reason: 'disk full' },
      ],
      [{ at, status: 403, body: 'Refused: bad signature', scripted: 'the scenario tampers with this link' }],
      [],
      [],
      ['dev', 'staging', 'prod'],
    );

    expect(timeline.map((e) => e.text)).toEqual([
      'build 1.0.0/7 FAILED: disk full',
      "build 1.0.0/6 FAILED: nginx -t exited 1 [scripted: the scenario's build-fails event]",
      'approval link answered 403: Refused: bad signature [scripted: the scenario tampers with this link]',
    ]);
  });

  it('shows a Slack button press as a Slack answer, on the line of its image', () => {
    const at = '2027-01-18T04:00:00.000Z';
    const body = 'Slack U0OPSLEAD: Approved base 1.0.0/1 for prod as ops-lead.';
    const timeline = buildTimeline(
      { builds: [], promotions: [], notifications: [] },
      [],
      [{ at, status: 200, body, image: 'base', channel: 'prod' }],
      [],
      [],
      ['dev', 'staging', 'prod'],
    );

    expect(timeline.map((e) => [e.image, e.text])).toEqual([['base', `Slack button answered 200: ${body}`]]);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { GOLDSMITH_VERSION, releaseName } from '../../core/release/index.js';
import { savedWeek } from '../fixtures/saved-week.js';
import { type CommandOutput, captureOutput } from '../helpers/output.js';

const LONG = 600_000;
const SHORT = 120_000;

/**
 * Runs `goldsmith ARGS` in this process (cli/main, what bin/goldsmith.mjs runs once tsx is registered; the installed
 * command itself is run by explain-command.test.ts and simulate-cli.test.ts) and captures what it writes. Each
 * command loads the saved cloud afresh from the folder, as a new process would.
 */
function goldsmith(args: string[]): Promise<CommandOutput> {
  return captureOutput(() => main(args));
}

/** The test's temp folder; the saved cloud is `dir`, inside it. */
let root: string;
let dir: string;

/** Runs an acting command against the saved cloud with --json; it must succeed. Returns the endpoint's answer. */
async function act(args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await goldsmith([...args, '--local', dir, '--json']);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout);
}
const state = () => readFileSync(join(dir, 'state.json'), 'utf8');
/** An operator's role ARN of the organization's account (the catalog's first `access.operators`). */
const OPERATOR_ARN = 'arn:aws:iam::123456789012:role/platform-engineer';
/** Who that ARN acts as on the local cloud, whatever the command. */
const OPERATOR_SESSION = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-operator-'));
  dir = join(root, 'cloud');
  // The same saved cloud as serve.test.ts's, made once per run.
  const saved = await savedWeek(root, dir);
  expect(saved.stderr).toContain('saved the local cloud at 2027-01-08T00:00:00.000Z');
  expect(saved.code).toBe(0);
}, LONG);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('goldsmith status and history --local DIR', { timeout: SHORT }, () => {
  it('status --json names each channel pointer per region and the approval waiting, as of the saved time', async () => {
    const { code, stdout } = await goldsmith(['status', '--local', dir, '--json']);

    expect(code).toBe(0);
    const status = JSON.parse(stdout) as {
      at: string;
      release: object;
      images: { image: string; channels: { channel: string; pointer?: { amis: object }; waiting?: object }[] }[];
    };
    expect(status.at).toBe('2027-01-08T00:00:00.000Z');
    // A saved cloud runs the code that saved it: this checkout's release.
    expect(status.release).toEqual({ deployed: GOLDSMITH_VERSION, checkout: GOLDSMITH_VERSION });
    const base = status.images.find((i) => i.image === 'base');
    expect(Object.keys(base?.channels.find((c) => c.channel === 'dev')?.pointer?.amis ?? {})).toHaveLength(3);
    expect(base?.channels.find((c) => c.channel === 'prod')?.waiting).toMatchObject({
      approvers: ['ops-lead', 'security-reviewer'],
    });
  });

  it('status prints a readable table with the cost line', async () => {
    const { code, stdout } = await goldsmith(['status', '--local', dir]);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(
      `release ${releaseName(GOLDSMITH_VERSION)}; this checkout ${releaseName(GOLDSMITH_VERSION)}`,
    );
    expect(stdout).toContain('waiting for approval of 1.0.0/1');
    expect(stdout).toMatch(/cost: \d+ finished build\(s\) in 30 days/);
  });

  it('history tells the ledger story of an image, filtered by channel', async () => {
    const { code, stdout } = await goldsmith(['history', 'base', '--channel', 'dev', '--local', dir]);

    expect(code).toBe(0);
    expect(stdout).toContain('build requested (base-image)');
    expect(stdout).toContain('promoted by goldsmith');
    expect(stdout).not.toContain(' prod ');
    // A trigger's decision is about building, not about dev.
    expect(stdout).not.toContain('base-image trigger: build started');
  });
});

describe('goldsmith refusals against a saved cloud: one line, exit 1, nothing changed', { timeout: SHORT }, () => {
  const refusals: [string, string[], RegExp][] = [
    ['an unknown image', ['build', 'bsae'], /^goldsmith build: unknown image "bsae" \(the catalog has: base, /],
    ['an unknown channel', ['approve', 'base', 'qa'], /^goldsmith approve: unknown channel "qa" for base/],
    [
      'an approval in a channel that asks nobody, in the words the endpoint answers before it reads the ledger',
      ['approve', 'base', 'dev', '--as', 'ops-lead'],
      /^goldsmith approve: \S+assumed-role\/ops-lead\/goldsmith-cli is not an approver of base dev: it asks nobody for approval$/,
    ],
    [
      'revoking an unknown version',
      ['revoke', 'base', '9.9.9/9', '--reason', 'test'],
      /^goldsmith revoke: unknown version 9\.9\.9\/9 of base/,
    ],
    [
      'cancelling a revocation nobody scheduled',
      ['revoke', 'base', '1.0.0/1', '--cancel'],
      /^goldsmith revoke: no revocation of base 1\.0\.0\/1 is scheduled$/,
    ],
    [
      'revoking at a time in the past (it would revoke at once, everywhere)',
      ['revoke', 'base', '1.0.0/1', '--reason', 'test', '--at', '2020-01-01T00:00:00Z'],
      /^goldsmith revoke: at: 2020-01-01T00:00:00Z is \d+ days before now \(\S+\): a revocation is never back-dated; to revoke at once, leave out --at or say --now\. Nothing was revoked\.$/,
    ],
    [
      'revoking now what would leave channels empty, without --withdraw (the endpoint plans it, in the replayed cloud)',
      ['revoke', 'base', '1.0.0/1', '--reason', 'test'],
      /^goldsmith revoke: revoking base 1\.0\.0\/1 would withdraw the pointer of dev, staging: no earlier launchable version was promoted there, .*Nothing was revoked\. To revoke it all the same, run the revoke again with --withdraw; to keep the channel served, promote a replacement there first$/,
    ],
    [
      '--withdraw on another command',
      ['rollback', 'base', 'dev', '--withdraw'],
      /--withdraw belongs to revoke, not rollback/,
    ],
    [
      'revoking --now at a time',
      ['revoke', 'base', '1.0.0/1', '--reason', 'test', '--now', '--at', '2030-01-01T00:00:00Z'],
      /revoke --now revokes at once: no --at/,
    ],
    [
      'promoting where nothing soaks (the staging soak is over)',
      ['promote', 'base', 'staging'],
      /^goldsmith promote: nothing of base is soaking in staging$/,
    ],
    [
      'resuming the builds of an image whose builds are not paused',
      ['resume', 'base', '--builds'],
      /^goldsmith resume: the builds of base are not paused: nothing to resume /,
    ],
    [
      'rolling back a channel that names nothing',
      ['rollback', 'base', 'prod'],
      /^goldsmith rollback: base\/prod names no version: nothing to roll back$/,
    ],
    [
      'rolling back to no earlier version (the endpoint refuses, in the replayed cloud)',
      ['rollback', 'base', 'dev'],
      /^goldsmith rollback: no earlier launchable version was promoted to dev$/,
    ],
  ];
  it("refuses an approval by an operator's ARN as the operators' role session it acts as for every command", async () => {
    const before = state();
    const { code, stderr } = await goldsmith(['approve', 'base', 'prod', '--as', OPERATOR_ARN, '--local', dir]);

    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `goldsmith approve: ${OPERATOR_SESSION} is not an approver of base prod: approvers are ops-lead, security-reviewer`,
    );
    expect(state()).toBe(before);
  });

  for (const [what, args, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const before = state();
      const { code, stderr } = await goldsmith([...args, '--local', dir]);

      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.trim()).toMatch(message);
      expect(state()).toBe(before);
    });
  }
});

describe('goldsmith revoke --local DIR', () => {
  it(
    "revokes through the endpoint as the operators' role session, saves the changed cloud, and says so on a repeat",
    async () => {
      const before = state();
      // The same --as the approval above was refused with: the same session.
      // --withdraw: 1.0.0/1 is all dev and staging were promoted to, and the revocation empties both.
      const revoke = [
        ...['revoke', 'base', '1.0.0/1', '--reason', 'CVE-2027-0001', '--as', OPERATOR_ARN, '--withdraw', '--now'],
      ];

      expect(await act(revoke)).toMatchObject({
        ok: true,
        result: {
          version: '1.0.0/1',
          alreadyRevoked: false,
          by: OPERATOR_SESSION,
          moves: [
            { channel: 'dev', action: 'withdraw' },
            { channel: 'staging', action: 'withdraw' },
          ],
        },
      });
      expect(state()).not.toBe(before);
      // Said the other way: --at now.
      const again = [...revoke.slice(0, -1), '--at', 'now'];
      expect(await act(again)).toMatchObject({ ok: true, result: { version: '1.0.0/1', alreadyRevoked: true } });
      const status = await goldsmith(['status', '--local', dir, '--json']);
      const base = (
        JSON.parse(status.stdout) as { images: { image: string; channels: { channel: string; pointer?: object }[] }[] }
      ).images.find((i) => i.image === 'base');
      expect(base?.channels.find((c) => c.channel === 'dev')?.pointer).toBeUndefined();
    },
    LONG,
  );
});

describe('goldsmith approve and build --local DIR', () => {
  it(
    "approves the waiting prod promotion as the approver's own session, and saves it",
    async () => {
      const before = state();
      expect(await act(['approve', 'web-runtime', 'prod', '--as', 'ops-lead'])).toMatchObject({
        ok: true,
        result: {
          image: 'web-runtime',
          version: '1.0.0/1',
          channel: 'prod',
          by: 'ops-lead',
          principal: 'arn:aws:sts::123456789012:assumed-role/ops-lead/goldsmith-cli',
          delivered: true,
        },
      });
      expect(state()).not.toBe(before);
    },
    LONG,
  );

  it(
    "starts a manual build through the operators' role, recorded with the session that asked",
    async () => {
      expect(await act(['build', 'hardened', '--reason', 'manual test'])).toMatchObject({
        ok: true,
        result: {
          image: 'hardened',
          requestedBy: expect.stringMatching(/:assumed-role\/goldsmith-local-operators\/platform-engineer$/),
          decisions: [{ image: 'hardened', outcome: 'start', buildVersionArn: expect.stringMatching(/\/1\.0\.0\/2$/) }],
        },
      });
    },
    LONG,
  );
});

describe('goldsmith simulate --resume DIR', () => {
  it(
    'continues the saved cloud to --until and saves it again',
    async () => {
      const { code, stderr, stdout } = await goldsmith([
        'simulate',
        '--resume',
        dir,
        '--until',
        '2027-01-12T00:00:00Z',
        '--json',
      ]);

      expect(code, stderr).toBe(0);
      expect(stderr).toContain('saved the local cloud at 2027-01-12T00:00:00.000Z');
      const report = JSON.parse(stdout) as { cost: { currency: string; perImage: Record<string, number> } };
      expect(report.cost.currency).toBe('USD');
      expect(report.cost.perImage.base).toBeGreaterThan(0);
      const run = report as unknown as {
        builds: { image: string; version: string; trigger: string }[];
        promotions: { image: string; version: string; channel: string; outcome: string }[];
      };
      // The manual build and the approval taken on the saved cloud carry on in the resumed run.
      expect(run.builds).toContainEqual(
        expect.objectContaining({ image: 'hardened', version: '1.0.0/2', trigger: 'manual' }),
      );
      expect(run.promotions).toContainEqual(
        expect.objectContaining({ image: 'web-runtime', version: '1.0.0/1', channel: 'prod', outcome: 'promoted' }),
      );
      // The timeline says who decided on the saved cloud, as it says who answered an approval link.
      const lines = (report as unknown as { timeline: { text: string }[] }).timeline.map((e) => e.text);
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^goldsmith approve web-runtime (?:1\.0\.0\/1 )?prod as ops-lead \(operator endpoint, 200\): done$/,
        ),
      );
    },
    LONG,
  );
});

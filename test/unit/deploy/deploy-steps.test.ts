import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { callerIdentity } from '../../../aws/deploy/caller.js';
import { command as preflightCommand } from '../../../cli/preflight.js';
import { command as scpCommand } from '../../../cli/scp.js';
import { deployVerdict, type StageRecord } from '../../../core/release/deployed.js';
import { type DeploySteps, runDeploy } from '../../../scripts/deploy/run.js';

const HEAD = '4a6a6b60fac4fc7b8c3dfe03afc5878f55c3010a';
const OLD = '0df5bee70b17139fa608eb7618114eb1e67b3163';

const record = (commit: string, parameter = '0.3.0-dev'): StageRecord => ({
  parameter,
  stacks: ['prod-goldsmith-Ledger', 'prod-goldsmith-Trust'].map((name) => ({
    name,
    status: 'UPDATE_COMPLETE',
    release: '0.3.0-dev',
    commit,
  })),
});

/** The steps with what each answers; `calls` records the order they ran in. */
function steps(answers: { sst?: number; after?: StageRecord | Error; preflight?: number }) {
  const calls: string[] = [];
  const fake: DeploySteps = {
    checkout: () => ({ version: '0.3.0-dev', commit: HEAD }),
    region: 'eu-west-1',
    callerIdentity: async () => {
      calls.push('sts');
      return { kind: 'ok', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ci' };
    },
    preflight: async (stage, preRelease, deployer) => {
      calls.push(`preflight ${stage}${preRelease ? ' --pre-release' : ''}${deployer ? ` --deployer ${deployer}` : ''}`);
      return answers.preflight === 1
        ? { code: 1, missing: ['MISSING  release: stage prod runs 0.3.0-dev at commit 0df5bee, …'] }
        : { code: 0, missing: [] };
    },
    sstDeploy: async (args) => {
      calls.push(`sst ${args.join(' ')}`);
      return answers.sst ?? 0;
    },
    recorded: async () => {
      calls.push('read stage');
      if (answers.after instanceof Error) throw answers.after;
      return answers.after ?? record(HEAD);
    },
  };
  const out: string[] = [];
  const err: string[] = [];
  return { fake, calls, out, err, say: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('npm run deploy decides whether the deploy happened', () => {
  it('runs preflight, then sst deploy with the arguments given, and succeeds when the stage records this checkout', async () => {
    const s = steps({});
    expect(await runDeploy(['--stage', 'prod', '--verbose'], s.fake, s.say)).toBe(0);
    expect(s.calls).toEqual(['sts', 'preflight prod', 'sst deploy --stage prod --verbose', 'read stage']);
    expect(s.out.at(-1)).toBe(`npm run deploy: stage prod runs 0.3.0-dev at commit 4a6a6b6: its 2 stacks record it`);
    expect(s.err).toEqual([]);
  });

  it("refuses sst's --region, --profile and --role before anything runs: preflight and the read-back would not see them", async () => {
    for (const [argv, option, instead] of [
      [['--stage', 'prod', '--region', 'us-west-2'], '--region', 'set AWS_REGION instead'],
      [['--stage', 'prod', '--profile=other'], '--profile', 'set AWS_PROFILE instead'],
      [
        ['--role', 'arn:aws:iam::210987654321:role/deployer', '--stage=prod'],
        '--role',
        'assume the role through a profile',
      ],
    ] as const) {
      const s = steps({});
      expect(await runDeploy(argv, s.fake, s.say)).toBe(1);
      expect(s.calls).toEqual([]);
      expect(s.err).toEqual([
        expect.stringMatching(
          new RegExp(
            `^npm run deploy: ${option} is refused: it would reach sst deploy only, while the credentials check, preflight and the check after the deploy use AWS_REGION and AWS_PROFILE \\(the default credentials\\): ${instead}`,
          ),
        ),
      ]);
    }
  });

  it('gives --pre-release to preflight and not to sst deploy', async () => {
    const s = steps({});
    expect(await runDeploy(['--stage', 'dev', '--pre-release'], s.fake, s.say)).toBe(0);
    expect(s.calls).toEqual(['sts', 'preflight dev --pre-release', 'sst deploy --stage dev', 'read stage']);
  });

  it('gives --deployer to preflight and not to sst deploy, and refuses a name goldsmith scp and preflight refuse', async () => {
    for (const argv of [
      ['--stage', 'prod', '--deployer', 'ci-deploy', '--verbose'],
      ['--deployer=ci-deploy', '--stage', 'prod', '--verbose'],
    ]) {
      const s = steps({});
      expect(await runDeploy(argv, s.fake, s.say)).toBe(0);
      expect(s.calls).toEqual([
        'sts',
        'preflight prod --deployer ci-deploy',
        'sst deploy --stage prod --verbose',
        'read stage',
      ]);
    }
    const bad = steps({});
    expect(await runDeploy(['--stage', 'prod', '--deployer', 'role/ci'], bad.fake, bad.say)).toBe(1);
    expect(bad.calls).toEqual([]);
    const refusal = '--deployer must be an IAM role name (1-64 of A-Za-z0-9+=,.@_-), not "role/ci"';
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]?.startsWith(`npm run deploy: ${refusal} (usage: `)).toBe(true);
    // The same option, the same rule and words, in goldsmith scp and goldsmith preflight.
    await expect(scpCommand.run(['--offline', '--stage', 'prod', '--deployer', 'role/ci'])).rejects.toThrow(refusal);
    await expect(preflightCommand.run(['--stage', 'prod', '--deployer', 'role/ci'])).rejects.toThrow(refusal);
    const none = steps({});
    expect(await runDeploy(['--stage', 'prod', '--deployer'], none.fake, none.say)).toBe(1);
    expect(none.err[0]).toMatch(/^npm run deploy: Option '--deployer <value>' argument missing/);
  });

  it('fails when sst deploy exits 0 but the stage still records another commit: the deploy did not happen', async () => {
    const s = steps({ after: record(OLD) });
    expect(await runDeploy(['--stage=prod'], s.fake, s.say)).toBe(1);
    expect(s.err).toEqual([
      "npm run deploy: sst deploy exited 0 but prod-goldsmith-Ledger, prod-goldsmith-Trust of stage prod record 0.3.0-dev at commit 0df5bee, not this checkout's 0.3.0-dev at commit 4a6a6b6: the deploy did not happen (or not completely)",
    ]);
  });

  it("fails on sst deploy's own failure, and when the stage cannot be read afterwards", async () => {
    const failed = steps({ sst: 2 });
    expect(await runDeploy(['--stage', 'prod'], failed.fake, failed.say)).toBe(1);
    expect(failed.err).toEqual(['npm run deploy: sst deploy --stage prod exited 2: the deploy did not complete']);
    const unread = steps({ after: Object.assign(new Error('denied'), { name: 'AccessDenied' }) });
    expect(await runDeploy(['--stage', 'prod'], unread.fake, unread.say)).toBe(1);
    expect(unread.err[0]).toBe(
      "npm run deploy: sst deploy exited 0 but stage prod's stacks cannot be read (AccessDenied: denied): whether the deploy happened is unknown (goldsmith status --stage prod)",
    );
  });

  it('does not run sst deploy when preflight is not ready, and prints its MISSING lines', async () => {
    const s = steps({ preflight: 1 });
    expect(await runDeploy(['--stage', 'prod'], s.fake, s.say)).toBe(1);
    expect(s.calls).toEqual(['sts', 'preflight prod']);
    expect(s.err).toEqual([
      'MISSING  release: stage prod runs 0.3.0-dev at commit 0df5bee, …',
      'npm run deploy: not deploying: goldsmith preflight --stage prod is not ready (1 MISSING above); fix them and run again',
    ]);
  });
});

describe('deployVerdict', () => {
  const mine = { version: '0.3.0-dev', commit: HEAD };

  it('needs every stack and the parameter on this release and commit', () => {
    expect(deployVerdict('prod', mine, 0, record(HEAD)).ok).toBe(true);
    expect(deployVerdict('prod', mine, 0, { parameter: undefined, stacks: [] })).toEqual({
      ok: false,
      line: 'sst deploy exited 0 but stage prod has no stacks: the deploy did not happen (sst deploy exits 0 without credentials)',
    });
    expect(deployVerdict('prod', mine, 0, record(HEAD, '0.2.0'))).toEqual({
      ok: false,
      line: "sst deploy exited 0 but stage prod's release parameter holds 0.2.0, not 0.3.0-dev: the deploy did not complete",
    });
    // A deploy from outside a git checkout records "unknown", and is judged by that.
    expect(deployVerdict('prod', { version: '0.3.0-dev', commit: 'unknown' }, 0, record('unknown')).ok).toBe(true);
  });
});

describe("npm run deploy's credentials check", () => {
  it('gives up on an STS that never answers within its bound, the SDK retries included', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => undefined);
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const client = new STSClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    });
    const started = performance.now();
    expect(await callerIdentity('us-east-1', 1_500, client)).toEqual({ kind: 'timeout', seconds: 1.5 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(sockets.size).toBeGreaterThan(0);
  });
});

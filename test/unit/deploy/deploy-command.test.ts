import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testTempDir } from '../../helpers/temp-dir.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * `npm run deploy ARGS` as a process of its own, with an environment of nothing but `env`, a home without AWS
 * settings and the SDK kept off the instance metadata address: nothing here reaches past 127.0.0.1.
 */
function deploy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const home = testTempDir('goldsmith-deploy-home-');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/deploy.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started })),
  );
}

/** A loopback HTTP server, closed (its open connections too) when the test ends. */
async function loopback(
  handle?: (body: string, answer: (status: number, text: string) => void) => void,
): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handle?.(body, (status, text) => res.writeHead(status).end(text)));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port nothing listens on: one just released. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_REGION: 'us-east-1' };
const IDENTITY =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

describe('npm run deploy refuses before sst deploy runs', () => {
  it('needs --stage: one usage line, exit 1', async () => {
    expect(await deploy([])).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'npm run deploy: --stage is required (usage: npm run deploy -- --stage STAGE [--pre-release] [--deployer ROLE] [sst deploy options])\n',
    });
    expect((await deploy(['--stage', '1prod'])).stderr).toBe(
      'npm run deploy: --stage "1prod" is not a stage name: a letter, then letters, digits or hyphens\n',
    );
  });

  it('says in one line that there are no credentials, where sst deploy would exit 0 having done nothing', async () => {
    const run = await deploy(['--stage', 'prod'], { AWS_REGION: 'us-east-1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^npm run deploy: not deploying: no AWS credentials found \(CredentialsProviderError: [^\n]*\): sign in [^\n]*\n$/,
    );
  });

  it('says in one line, within the bound, that STS cannot be reached (a closed loopback port)', async () => {
    const run = await deploy(['--stage', 'prod'], { ...KEYS, AWS_ENDPOINT_URL: await closedPort() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^npm run deploy: not deploying: STS in us-east-1 cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): [^\n]*\n$/,
    );
    expect(run.ms).toBeLessThan(20_000);
  });

  it("stops at preflight's MISSING lines: the account answers who is calling but nothing else", async () => {
    const calls: string[] = [];
    const endpoint = await loopback((body, answer) => {
      calls.push(body.slice(0, 40));
      if (body.includes('Action=GetCallerIdentity')) answer(200, IDENTITY);
      else answer(400, JSON.stringify({ __type: 'AccessDeniedException', message: 'loopback' }));
    });
    const run = await deploy(['--stage', 'prod'], { ...KEYS, AWS_ENDPOINT_URL: endpoint });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'npm run deploy: deploying as arn:aws:iam::123456789012:user/ci (account 123456789012) to us-east-1\n',
    );
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      /^npm run deploy: not deploying: goldsmith preflight --stage prod is not ready \(\d+ MISSING above\); fix them and run again$/,
    );
    expect(lines.slice(0, -1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MISSING {2}organization: /),
        expect.stringMatching(/^MISSING {2}release: /),
      ]),
    );
    expect(lines.slice(0, -1).every((l) => l.startsWith('MISSING'))).toBe(true);
    expect(calls.length).toBeGreaterThan(1);
  }, 60_000);
});

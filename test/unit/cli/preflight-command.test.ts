import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';

const REPO = join(import.meta.dirname, '../../..');

// README and docs/deploy.md: `AWS_REGION=us-east-1 npx goldsmith preflight`, on a machine not yet signed in to AWS
// (test/unit/aws/preflight.test.ts checks each check against mocked answers).
describe('goldsmith preflight, as the README runs it, without AWS credentials', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      delete process.env[name];
    // No credentials anywhere the SDK's chain looks, and never the instance metadata service (tests stay offline).
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(REPO, 'no-such-credentials');
    process.env.AWS_CONFIG_FILE = join(REPO, 'no-such-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(() => {
    // Put back key by key: process.env stays the process's own environment object.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('says the credentials are missing and what to do, not ready, exit 1, without a stack trace', async () => {
    const { code, stdout, stderr } = await captureOutput(() => main(['preflight']));

    expect(code).toBe(1);
    expect(stdout).toMatch(/^MISSING {2}credentials: no usable AWS credentials \(CredentialsProviderError: /);
    expect(stdout).toContain('set AWS_PROFILE or sign in, then run again');
    // The stacks the deploy would create, synthesized offline: no credentials needed.
    expect(stdout).toMatch(
      /^ok {7}stack limits: CloudFormation resources per stack: \d+ of 500 resources \(largest: stack /m,
    );
    expect(stdout.endsWith('not ready: fix what is MISSING above\n')).toBe(true);
    expect(`${stdout}${stderr}`).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('--json: one document, not ready, in the Region AWS_REGION names', async () => {
    const { code, stdout } = await captureOutput(() => main(['preflight', '--json']));

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      ready: false,
      region: 'us-east-1',
      checks: expect.arrayContaining([expect.objectContaining({ name: 'credentials', status: 'missing' })]),
    });
  }, 120_000);

  it('refuses a stage name sst deploy would not take, in one line, before reading credentials', async () => {
    for (const stage of ['prod.eu', '1prod', 'prod_eu', '']) {
      const { code, stdout, stderr } = await captureOutput(() => main(['preflight', '--stage', stage]));
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe(
        `goldsmith preflight: --stage "${stage}" is not a stage name: a letter, then letters, digits or hyphens (as sst deploy --stage takes it)\n`,
      );
    }
  });

  it('says --stage needs a value whether it ends the line or another option follows', async () => {
    for (const args of [['--stage'], ['--stage', '--json']]) {
      const { code, stderr } = await captureOutput(() => main(['preflight', ...args]));
      expect(code).toBe(1);
      expect(stderr).toBe("goldsmith preflight: Option '--stage <value>' argument missing\n");
    }
  });
});

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseCheck } from '../../../aws/preflight/preflight-release.js';
import { main } from '../../../cli/main.js';
import { releaseLine, releaseOf } from '../../../cli/operator/release.js';
import {
  compareVersions,
  GOLDSMITH_VERSION,
  parseVersion,
  releaseName,
  releaseParameterName,
  upgradeVerdict,
} from '../../../core/release/index.js';
import manifest from '../../../package.json' with { type: 'json' };
import { mockClient } from '../../helpers/mock-client.js';
import { captureOutput } from '../../helpers/output.js';

describe('goldsmith --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const out = await captureOutput(() => main(['--version']));
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(new RegExp(`^goldsmith ${manifest.version.replaceAll('.', '\\.')}( \\(|\n$)`));
    expect(GOLDSMITH_VERSION).toBe(manifest.version);
    expect(parseVersion(GOLDSMITH_VERSION)).toBeDefined();
  });
});

describe('upgradeVerdict', () => {
  it('refuses a checkout older than the deployed release, naming both and what to do', () => {
    expect(upgradeVerdict('0.2.0', '0.10.0', 'prod')).toEqual({
      kind: 'downgrade',
      line: "stage prod runs 0.10.0, newer than this checkout's 0.2.0: a downgrade is refused (check out 0.10.0 or later; docs/upgrading.md)",
    });
    expect(upgradeVerdict('1.0.0', '1.0.1', 'dev').kind).toBe('downgrade');
  });

  it('lets an upgrade, the same release and a first deploy through', () => {
    expect(upgradeVerdict('0.2.0', '0.1.9', 'prod').kind).toBe('upgrade');
    expect(upgradeVerdict('0.10.0', '0.9.0', 'prod').kind).toBe('upgrade');
    expect(upgradeVerdict('0.2.0', '0.2.0', 'prod').kind).toBe('same');
    expect(upgradeVerdict('0.2.0', undefined, 'prod').kind).toBe('first-deploy');
  });

  it('orders pre-releases as semantic versioning does: a pre-release after the release before it, before its own', () => {
    expect(upgradeVerdict('0.3.0-dev', '0.2.0', 'prod')).toEqual({
      kind: 'upgrade',
      line: 'stage prod runs 0.2.0: deploying 0.3.0-dev upgrades it',
    });
    expect(upgradeVerdict('0.3.0', '0.3.0-dev', 'prod').kind).toBe('upgrade');
    expect(upgradeVerdict('0.3.0-dev', '0.3.0', 'prod').kind).toBe('downgrade');
    expect(upgradeVerdict('0.3.0-dev', '0.3.0-dev', 'prod').kind).toBe('same');
    const order = ['0.9.0', '0.10.0-alpha', '0.10.0-alpha.1', '0.10.0-alpha.beta', '0.10.0-beta.2', '0.10.0-beta.11'];
    const sorted = [...order, '0.10.0', '0.10.1-dev'];
    const shuffled = [...sorted].reverse();
    const parsed = (v: string) => parseVersion(v) ?? { core: [0, 0, 0] as [number, number, number], pre: [] };
    expect(shuffled.sort((a, b) => compareVersions(parsed(a), parsed(b)))).toEqual(sorted);
    expect(parseVersion('0.3.0-dev+sha.5114f85')).toEqual({ core: [0, 3, 0], pre: ['dev'] });
    expect(parseVersion('0.3.0-')).toBeUndefined();
  });

  it('does not guess at a recorded value that is not a semantic version', () => {
    expect(upgradeVerdict('0.2.0', '0.2', 'prod')).toEqual({
      kind: 'unreadable',
      line: 'stage prod records release "0.2", not a semantic version: check /goldsmith-release/prod',
    });
  });
});

const ssm = mockClient(SSMClient);
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => ssm.reset());
afterEach(() => cloudFormation.reset().on(DescribeStacksCommand).resolves({ Stacks: [] }));
cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });

describe('preflight: the deployed release', () => {
  it('reads /goldsmith-release/<stage> and marks a downgrade missing', async () => {
    ssm.on(GetParameterCommand, { Name: '/goldsmith-release/prod' }).resolves({ Parameter: { Value: '0.3.0' } });
    const check = await releaseCheck('prod', 'eu-west-1', '0.2.0');
    expect(check).toEqual({
      name: 'release',
      status: 'missing',
      detail:
        "stage prod runs 0.3.0, newer than this checkout's 0.2.0: a downgrade is refused (check out 0.3.0 or later; docs/upgrading.md)",
    });
    expect(releaseParameterName('prod')).toBe('/goldsmith-release/prod');
  });

  it('passes an upgrade and a stage that records no release (ParameterNotFound)', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.1.0' } });
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'ok',
      detail: 'stage prod runs 0.1.0: deploying 0.2.0 upgrades it',
    });
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    expect(await releaseCheck('dev', 'eu-west-1', '0.2.0')).toMatchObject({
      status: 'ok',
      detail: 'stage dev records no release (a first deploy, or one from before 0.2.0): deploying 0.2.0',
    });
  });

  it('refuses a stage whose release it cannot read (fails closed), and asks for a stage when none is given', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    expect(await releaseCheck('prod', 'eu-west-1', '0.2.0')).toEqual({
      name: 'release',
      status: 'missing',
      detail:
        'cannot read /goldsmith-release/prod in eu-west-1 (AccessDeniedException: no): the deploy is refused until it can be read (a downgrade cannot be ruled out)',
    });
    expect(await releaseCheck(undefined, 'eu-west-1', '0.2.0')).toMatchObject({ status: 'not checked' });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });
});

describe('status: the release a stage runs', () => {
  const stage = { kind: 'stage', stage: 'prod', region: 'eu-west-1', url: undefined } as const;

  it('shows the recorded release beside the checkout, and none for a stage deployed before releases', async () => {
    ssm.on(GetParameterCommand, { Name: '/goldsmith-release/prod' }).resolves({ Parameter: { Value: '0.2.0' } });
    const where = { ...stage, catalog: undefined as never };
    expect(releaseLine(await releaseOf(where))).toBe(`release 0.2.0; this checkout ${releaseName(GOLDSMITH_VERSION)}`);
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    expect(releaseLine(await releaseOf(where))).toBe(
      `release none recorded (deployed before 0.2.0); this checkout ${releaseName(GOLDSMITH_VERSION)}`,
    );
  });

  it('says when the stage or the checkout runs a pre-release, which no tag names', async () => {
    ssm.on(GetParameterCommand, { Name: '/goldsmith-release/prod' }).resolves({ Parameter: { Value: '0.3.0-dev' } });
    const view = await releaseOf({ ...stage, catalog: undefined as never });
    expect(releaseLine({ ...view, checkout: '0.3.0-dev' })).toBe(
      'release 0.3.0-dev (unreleased); this checkout 0.3.0-dev (unreleased)',
    );
    expect(releaseLine({ deployed: '0.2.0', checkout: '0.2.0' })).toBe('release 0.2.0; this checkout 0.2.0');
  });

  it('says why when the release cannot be read', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const view = await releaseOf({ ...stage, catalog: undefined as never });
    expect(releaseLine(view)).toBe(
      `release unknown (/goldsmith-release/prod: AccessDeniedException: denied); this checkout ${releaseName(GOLDSMITH_VERSION)}`,
    );
  });
});

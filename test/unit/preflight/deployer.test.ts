import { describe, expect, it } from 'vitest';
import { deployerCheck } from '../../../aws/preflight/preflight-deployer.js';
import { serviceControlPolicyCheck } from '../../../aws/preflight/preflight-organization.js';
import { callerOf } from '../../../core/preflight/caller.js';
import { scpGaps } from '../../../core/preflight/scp-requirements.js';
import { goldsmithScp } from '../../../core/scp/split.js';
import { DEFAULT_DEPLOYER, DEFAULT_KEY_ROTATOR } from '../../../core/scp/statements.js';

/**
 * Who preflight runs as against the role the SCP is checked for (`--deployer`, else the caller's role): the SCP text
 * `goldsmith scp --deployer` writes and preflight's evaluation of it name the same role, and a caller that is not
 * that role is said in one line, which fails when the SCP would refuse its deploy.
 */

const ACCOUNT = '200000000001';
const REGION = 'eu-west-1';
const MEMBER = { account: ACCOUNT, management: '100000000000', organizationId: 'o-a1b2c3d4e5' };
const scpFor = (deployer: string) =>
  goldsmithScp({ stage: 'prod', account: ACCOUNT, deployer, keyRotator: DEFAULT_KEY_ROTATOR }).map((p) => ({
    id: `p-${p.name}`,
    name: p.name,
    content: p.content,
  }));
const session = (role: string, name = 'me') => callerOf(`arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`);
const check = (caller: ReturnType<typeof callerOf>, deployer: string, named = true, standing = MEMBER) =>
  deployerCheck({
    caller,
    deployer,
    named,
    stage: 'prod',
    region: REGION,
    standing,
    scps: Promise.resolve(scpFor('ci-deploy')),
  });

describe('who preflight runs as (STS GetCallerIdentity)', () => {
  it('reads a role session, a user with a path, the root user and a federated user, as the SCP sees each', () => {
    expect(callerOf('arn:aws:sts::200000000001:assumed-role/ci-deploy/build-42')).toEqual({
      kind: 'role',
      account: ACCOUNT,
      role: 'ci-deploy',
      session: 'build-42',
      principalArn: 'arn:aws:iam::200000000001:role/ci-deploy',
    });
    expect(callerOf('arn:aws:iam::200000000001:user/ops/ana')).toMatchObject({
      kind: 'user',
      name: 'ana',
      principalArn: 'arn:aws:iam::200000000001:user/ops/ana',
    });
    expect(callerOf('arn:aws:iam::200000000001:root')).toMatchObject({ kind: 'root', account: ACCOUNT });
    expect(callerOf('arn:aws:sts::200000000001:federated-user/bob')).toMatchObject({ kind: 'federated-user' });
    expect(callerOf('arn:aws:sts::200000000001:assumed-role/no-session')).toEqual({
      kind: 'other',
      arn: 'arn:aws:sts::200000000001:assumed-role/no-session',
    });
  });
});

describe("preflight's deployer line", () => {
  it('passes a session of the deployer, named or taken from the credentials', async () => {
    expect(await check(session('ci-deploy'), 'ci-deploy')).toEqual({
      name: 'deployer',
      status: 'ok',
      detail: 'a session (me) of role ci-deploy, the role the SCP is checked for (--deployer)',
    });
    expect((await check(session('ci-deploy'), 'ci-deploy', false)).detail).toContain('from the credentials');
  });

  it('fails a session of another role than --deployer names, which the SCP refuses its deploy, in one line', async () => {
    const line = await check(session('admin'), 'ci-deploy');
    expect(line.status).toBe('missing');
    expect(line.detail).toMatch(
      /^these credentials are a session \(me\) of role admin, not of the deployer ci-deploy, and the SCPs on 200000000001 or above it refuse its deploy: sts:AssumeRole on arn:aws:iam::200000000001:role\/cdk-hnb659fds-file-publishing-role-200000000001-eu-west-1 \(refused by BootstrapRolesOnlyByTheDeployer\); .*cloudformation:CreateChangeSet .*: deploy as ci-deploy /,
    );
    expect(line.detail).not.toContain('\n');
  });

  it('says what an IAM user or the root user means: the SCP exempts roles only', async () => {
    const user = await check(callerOf(`arn:aws:iam::${ACCOUNT}:user/ana`), 'ci-deploy');
    expect(user.status).toBe('missing');
    expect(user.detail).toMatch(
      /^these credentials are IAM user ana, not a role: the SCP exempts the deployer ci-deploy by role name, never a user/,
    );
    const root = await check(callerOf(`arn:aws:iam::${ACCOUNT}:root`), DEFAULT_DEPLOYER, false);
    expect(root.status).toBe('missing');
    expect(root.detail).toMatch(
      /^these credentials are the root user of 200000000001: SCPs bind a member account's root user .*\(no --deployer: the SCP is checked for the default, goldsmith-deployer\)/,
    );
  });

  it('warns, without failing, where no SCP refuses the caller: the management account, or an SCP that lets it deploy', async () => {
    const management = await check(session('admin'), 'ci-deploy', true, { ...MEMBER, management: ACCOUNT });
    expect(management.status).toBe('warning');
    expect(management.detail).toContain('SCPs do not apply to the management account');
    const open = await deployerCheck({
      caller: session('admin'),
      deployer: 'ci-deploy',
      named: true,
      stage: 'prod',
      region: REGION,
      standing: MEMBER,
      scps: Promise.resolve([]),
    });
    expect(open.status).toBe('warning');
  });

  it('fails, naming the permissions to add, when the SCPs cannot be read', async () => {
    const scps = Promise.reject(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    scps.catch(() => undefined);
    const line = await deployerCheck({
      caller: session('admin'),
      deployer: 'ci-deploy',
      named: true,
      stage: 'prod',
      region: REGION,
      standing: MEMBER,
      scps,
    });
    expect(line.status).toBe('missing');
    expect(line.detail).toContain('add organizations:ListPoliciesForTarget and organizations:DescribePolicy');
  });
});

describe('the SCP goldsmith scp --deployer writes, and the role preflight checks it for', () => {
  it('agree: the text written for ci-deploy passes for ci-deploy, and refuses the default deployer its deploy', () => {
    const written = scpFor('ci-deploy').map((p) => p.content);
    expect(scpGaps(written, 'prod', ACCOUNT, REGION, undefined, 'ci-deploy')).toEqual({
      open: [],
      refusesGoldsmith: [],
    });
    const asDefault = scpGaps(written, 'prod', ACCOUNT, REGION).refusesGoldsmith;
    expect(asDefault.length).toBeGreaterThan(0);
    expect(asDefault.every((line) => line.includes(`:role/${DEFAULT_DEPLOYER} (refused by`))).toBe(true);
  });

  it("says the deployer in the SCP check's line, and names --deployer in the command that writes the policy", async () => {
    const ok = await serviceControlPolicyCheck(
      MEMBER,
      REGION,
      'prod',
      Promise.resolve(scpFor('ci-deploy')),
      undefined,
      'ci-deploy',
    );
    expect(ok.status).toBe('ok');
    expect(ok.detail).toContain("the deploy's as ci-deploy");
    const refused = await serviceControlPolicyCheck(
      MEMBER,
      REGION,
      'prod',
      Promise.resolve(scpFor(DEFAULT_DEPLOYER)),
      undefined,
      'ci-deploy',
    );
    expect(refused.status).toBe('missing');
    expect(refused.detail).toContain('to arn:aws:iam::200000000001:role/ci-deploy (refused by');
    expect(refused.detail).toContain('`goldsmith scp --stage prod --deployer ci-deploy`');
  });
});

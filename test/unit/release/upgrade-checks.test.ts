import { describe, expect, it } from 'vitest';
import { scpGapList } from '../../../core/preflight/scp-requirements.js';
import { stepsBetween } from '../../../core/release/steps.js';
import {
  afterDeployLines,
  openRollouts,
  pauseRolloutsCheck,
  preReleaseCheck,
  scpNeedsCheck,
  stepsLine,
} from '../../../core/release/upgrade-checks.js';
import { storedWaves } from '../../../core/rollout/group-chunks.js';
import { rolloutRecord } from '../../fixtures/rollouts.js';
import { documentedScps } from '../preflight/documented-scp.js';

const ACCOUNT = '200000000001';
const REGION = 'eu-west-1';
const STAGE = { kind: 'stage', stage: 'prod' } as const;
const FROM_020 = stepsBetween('0.2.0', '0.3.0');

const RELEASE_COMMIT = 'abc1234'.padEnd(40, '0');
const OTHER_COMMIT = 'def5678'.padEnd(40, '0');
const recorded = (commit: string) => ({
  commit,
  releases: [{ version: '0.3.0', commit: RELEASE_COMMIT, ancestor: true, distance: 0 }],
});

describe('the pre-release rule', () => {
  it('refuses a pre-release checkout unless --pre-release, and passes a release', () => {
    expect(preReleaseCheck('0.3.0-dev', false, recorded(OTHER_COMMIT))).toEqual({
      name: 'pre-release',
      status: 'missing',
      detail:
        'this checkout is 0.3.0-dev, a pre-release (code between two releases): deploy a release (CHANGELOG names its commit) or pass --pre-release',
    });
    expect(preReleaseCheck('0.3.0-dev', true, recorded(OTHER_COMMIT)).status).toBe('ok');
    expect(preReleaseCheck('0.3.0', false, recorded(RELEASE_COMMIT))).toEqual({
      name: 'pre-release',
      status: 'ok',
      detail: 'this checkout is release 0.3.0 (commit abc1234, as CHANGELOG names it)',
    });
  });

  it('treats a release version at another commit than CHANGELOG names, or outside git, as a pre-release', () => {
    // A branch that set package.json's version to 0.3.0.
    expect(preReleaseCheck('0.3.0', false, recorded(OTHER_COMMIT))).toEqual({
      name: 'pre-release',
      status: 'missing',
      detail:
        "version 0.3.0 but HEAD def5678 is not the commit CHANGELOG names for 0.3.0 (it names abc1234): treated as a pre-release; check out the release's commit (git checkout <commit CHANGELOG names>) or pass --pre-release",
    });
    expect(preReleaseCheck('0.3.0', false, { commit: OTHER_COMMIT, releases: [] }).detail).toContain(
      "HEAD def5678 is not the commit CHANGELOG names for 0.3.0 (CHANGELOG, this checkout's and main's, records none)",
    );
    expect(preReleaseCheck('0.3.0', true, recorded(OTHER_COMMIT)).status).toBe('ok');
    expect(preReleaseCheck('0.3.0', false, { releases: [] })).toMatchObject({
      status: 'missing',
      detail: expect.stringMatching(
        /^this checkout is 0\.3\.0 but not a git checkout, so whether it is the 0\.3\.0 release cannot be told: treated as a pre-release/,
      ),
    });
  });
});

describe('no rollout moves groups while the upgrade replaces the member rollout roles', () => {
  const running = rolloutRecord({ image: 'base', channel: 'prod', version: '1.0.0/3', state: 'running' });
  const paused = rolloutRecord({ image: 'app', channel: 'prod', version: '2.0.0/1', state: 'paused' });
  const ended = rolloutRecord({ image: 'web', channel: 'prod', version: '1.0.0/1', state: 'halted' });

  it('refuses a running rollout, naming it and the pause that clears it', () => {
    const check = pauseRolloutsCheck(FROM_020, { value: [running, paused, ended] }, STAGE);
    expect(check?.status).toBe('missing');
    expect(check?.detail).toMatch(
      /^base\/prod 1\.0\.0\/3 moves groups \(wave 2\/3 \(wave-1\)\): goldsmith rollout pause base prod --stage prod --reason "upgrade" — pause first: 0\.3\.0's deploy: the member baseline StackSet update replaces every member account's rollout role/,
    );
    expect(check?.detail).not.toContain('app/prod');
  });

  it('passes paused, halted and ended rollouts, naming those to resume after', () => {
    const check = pauseRolloutsCheck(FROM_020, { value: [paused, ended] }, STAGE);
    expect(check).toEqual({
      name: 'rollouts',
      status: 'ok',
      detail:
        'no rollout moves groups; paused: app/prod 2.0.0/1 (after the deploy: goldsmith rollout resume IMAGE CHANNEL --stage prod)',
    });
  });

  it('refuses when the rollouts cannot be read, and asks nothing when no release in between replaces the roles', () => {
    expect(pauseRolloutsCheck(FROM_020, { unknown: 'AccessDeniedException: no' }, STAGE)?.status).toBe('missing');
    expect(pauseRolloutsCheck(stepsBetween('0.3.0', '0.3.1'), { value: [running] }, STAGE)).toBeUndefined();
  });

  it("refuses while a revocation takes an ended rollout's groups back, which no pause stops", () => {
    const takingBack = rolloutRecord({ state: 'superseded', openWork: 'rollout-take-back' });
    expect(pauseRolloutsCheck(FROM_020, { value: [takingBack] }, STAGE)).toMatchObject({
      status: 'missing',
      detail: expect.stringMatching(
        /^base\/prod 1\.0\.0\/3's groups are being taken back \(a revocation\): wait until it ends \(goldsmith rollout status base prod --version 1\.0\.0\/3 --stage prod\) — wait: 0\.3\.0's deploy: /,
      ),
    });
    const takenBack = rolloutRecord({ state: 'superseded', openWork: undefined });
    expect(pauseRolloutsCheck(FROM_020, { value: [takenBack] }, STAGE)?.status).toBe('ok');
  });

  it("names the saving release's checkout for a save of other code, which this one only upgrades", () => {
    const check = pauseRolloutsCheck(
      FROM_020,
      { value: [running] },
      { kind: 'local', dir: '/tmp/gs', savedBy: '0.2.0' },
    );
    expect(check?.detail).toContain(
      'goldsmith rollout pause base prod --local /tmp/gs --reason "upgrade" (in a checkout of Goldsmith 0.2.0, whose code saved it',
    );
  });
});

/** The documented SCP without the statements `sids`, and with PointersOnlyByGoldsmith as 0.2.0 gave it. */
function scpOf020(): string[] {
  return documentedScps().map((content) => {
    const doc = JSON.parse(content) as { Statement: { Sid?: string; Action?: string[] }[] };
    const Statement = doc.Statement.filter(
      (s) => s.Sid !== 'BusPoliciesOnlyByTheDeployment' && s.Sid !== 'DoorPoliciesOnlyByTheDeployment',
    ).map((s) =>
      s.Sid === 'PointersOnlyByGoldsmith' ? { ...s, Action: s.Action?.filter((a) => a !== 'ssm:DeleteParameters') } : s,
    );
    return JSON.stringify({ ...doc, Statement });
  });
}

describe('the open rollouts, as the open-work index holds them', () => {
  it('reads running, paused and taken-back rollouts of any image without their group chunks, and nothing else', () => {
    const item = (image: string, state: 'running' | 'paused' | 'completed', openWork?: string) => {
      const record = rolloutRecord({ image, channel: 'prod', version: '1.0.0/1', state });
      const { openWork: _, ...rest } = record;
      return {
        pk: `IMAGE#${image}`,
        sk: 'ROLLOUT#prod#1.0.0/1',
        ...rest,
        waves: storedWaves(record.waves),
        ...(openWork ? { openWork } : {}),
      };
    };
    const items = [
      item('renamed-away', 'running', 'rollout'),
      item('app', 'paused', 'rollout'),
      item('web', 'completed', 'rollout-take-back'),
      item('done', 'completed'),
      { pk: 'IMAGE#app', sk: 'BUILD#1.0.0/1', openWork: 'unfinished-build' },
    ];
    const found = openRollouts(items);
    expect(found.map((r) => `${r.image} ${r.state} ${r.openWork}`)).toEqual([
      'renamed-away running rollout',
      'app paused rollout',
      'web completed rollout-take-back',
    ]);
    const check = pauseRolloutsCheck(FROM_020, { value: found }, STAGE);
    expect(check?.detail).toMatch(
      /^renamed-away\/prod 1\.0\.0\/1 moves groups \(wave 2\/3 \(wave-1\)\): goldsmith rollout pause renamed-away prod --stage prod/,
    );
    expect(check?.detail).toContain("web/prod 1.0.0/1's groups are being taken back");
  });
});

describe('the SCP statements the upgrade needs', () => {
  it("names each statement of 0.3.0's that the attached SCP lacks", () => {
    const check = scpNeedsCheck(FROM_020, { value: scpGapList(scpOf020(), 'prod', ACCOUNT, REGION) }, ACCOUNT);
    expect(check?.status).toBe('missing');
    expect(check?.detail).toMatch(
      /^0\.3\.0 needs BusPoliciesOnlyByTheDeployment, DoorPoliciesOnlyByTheDeployment, PointersOnlyByGoldsmith \(ssm:DeleteParameters\) in the SCP on 200000000001 or above it, absent \(.*\): write the policy with `goldsmith scp --stage <stage> --out scp\/` and, from the management account, `aws organizations update-policy --policy-id <id> --content file:\/\/scp\/<part>\.json` for each part attached \(create-policy and attach-policy for a new one\), before deploying$/,
    );
  });

  it('names the statements 0.3.0 adds that an SCP without them lacks', () => {
    const added = ['FunctionsOnlyByTheDeployment', 'ExecRoleOnlyForGoldsmithStacks', 'TaskTokensOnlyByGoldsmith'];
    const without = documentedScps().map((content) => {
      const doc = JSON.parse(content) as { Statement: { Sid?: string }[] };
      return JSON.stringify({ ...doc, Statement: doc.Statement.filter((s) => !added.includes(s.Sid ?? '')) });
    });
    const check = scpNeedsCheck(FROM_020, { value: scpGapList(without, 'prod', ACCOUNT, REGION) }, ACCOUNT);
    expect(check?.status).toBe('missing');
    expect(check?.detail).toMatch(
      /^0\.3\.0 needs FunctionsOnlyByTheDeployment, ExecRoleOnlyForGoldsmithStacks, TaskTokensOnlyByGoldsmith in the SCP on 200000000001 or above it, absent/,
    );
  });

  it('names the statements holding the bootstrap buckets, Hooks and the operator doors that an SCP without them lacks', () => {
    const added = ['AssetsOnlyByTheDeployment', 'HooksOnlyByTheDeployer', 'RevokeAndRollbackOnlyByOperators'];
    const without = documentedScps().map((content) => {
      const doc = JSON.parse(content) as { Statement: { Sid?: string }[] };
      return JSON.stringify({ ...doc, Statement: doc.Statement.filter((s) => !added.includes(s.Sid ?? '')) });
    });
    const check = scpNeedsCheck(FROM_020, { value: scpGapList(without, 'prod', ACCOUNT, REGION) }, ACCOUNT);
    expect(check?.status).toBe('missing');
    expect(check?.detail).toMatch(
      /^0\.3\.0 needs AssetsOnlyByTheDeployment, HooksOnlyByTheDeployer, RevokeAndRollbackOnlyByOperators in the SCP on 200000000001 or above it, absent/,
    );
  });

  it('names only what is absent, and passes the documented SCP', () => {
    const onlyPointers = documentedScps().map((c) => c.replace('"ssm:DeleteParameters",', ''));
    expect(
      scpNeedsCheck(FROM_020, { value: scpGapList(onlyPointers, 'prod', ACCOUNT, REGION) }, ACCOUNT)?.detail,
    ).toMatch(/^0\.3\.0 needs PointersOnlyByGoldsmith \(ssm:DeleteParameters\) in the SCP/);
    expect(scpNeedsCheck(FROM_020, { value: scpGapList(documentedScps(), 'prod', ACCOUNT, REGION) }, ACCOUNT)).toEqual({
      name: 'service control policy for the upgrade',
      status: 'ok',
      detail: expect.stringMatching(
        /^the SCP on 200000000001 or above it holds BusPoliciesOnlyByTheDeployment, DoorPoliciesOnlyByTheDeployment, PointersOnlyByGoldsmith \(ssm:DeleteParameters\), .*TaskTokensOnlyByGoldsmith, SubscriptionsOnlyByTheDeployment, PointerSharesOnlyByGoldsmith, SigningKeysOnlyByTheDeployment, FunctionsInvokedAsyncOnlyByGoldsmith, AssetsOnlyByTheDeployment, SstBucketOnlyByTheDeployment, BootstrapRolesOnlyByTheDeployer, HooksOnlyByTheDeployer, RevokeAndRollbackOnlyByOperators, FrontDoorOnlyByOperatorsAndApprovers, RulesOnlyByTheDeployment \(events:PutRule\), ContainerImagesOnlyByGoldsmith, ContainerRegistryOnlyByTheDeployment, AlarmsOnlyByTheDeployment, SbomExportsOnlyByGoldsmith, as 0\.3\.0 needs$/,
      ),
    });
  });

  it('refuses the deploy when the SCPs cannot be read, naming the statements 0.3.0 declares and what to add', () => {
    const unread = scpNeedsCheck(
      FROM_020,
      {
        unknown:
          'could not read the SCPs attached to 200000000001 and above it (AccessDeniedException: …): add organizations:ListPoliciesForTarget and organizations:DescribePolicy …',
      },
      ACCOUNT,
    );
    expect(unread).toMatchObject({
      status: 'missing',
      detail: expect.stringMatching(
        /^0\.3\.0 needs BusPoliciesOnlyByTheDeployment, .*, which cannot be checked: could not read the SCPs .*add organizations:ListPoliciesForTarget and organizations:DescribePolicy/,
      ),
    });
  });

  it('says why no SCP applies, and does not refuse, in the management account or a saved cloud', () => {
    expect(scpNeedsCheck(FROM_020, { moot: 'a saved cloud has no organization' }, undefined)).toMatchObject({
      status: 'not checked',
      detail: expect.stringMatching(/: a saved cloud has no organization$/),
    });
  });
});

describe('what the deploy raises and what to redo after it', () => {
  it('prints the alerts to expect and the retry after the deploy, as ok lines', () => {
    expect(afterDeployLines(FROM_020, STAGE)).toEqual([
      {
        name: 'alerts to expect',
        status: 'ok',
        detail: expect.stringMatching(
          /^expect critical drift-found after deploying 0\.3\.0, one per expected door policy the deploy changes: /,
        ),
      },
      {
        name: 'after the deploy',
        status: 'ok',
        detail: expect.stringMatching(/: goldsmith rollout retry IMAGE CHANNEL --stage prod$/),
      },
      {
        name: 'after the deploy',
        status: 'ok',
        detail: expect.stringMatching(
          /^0\.3\.0: a stage first deployed with 0\.1\.0 .*: goldsmith rotate-signing-key --stage prod$/,
        ),
      },
      {
        name: 'after the deploy',
        status: 'ok',
        detail: expect.stringMatching(
          /^0\.3\.0: an operator's script revokes .*: goldsmith revoke --withdraw IMAGE VERSION --reason R --stage prod$/,
        ),
      },
    ]);
  });

  it('names the releases in between, or says there are none', () => {
    expect(stepsLine('0.2.0', '0.3.0', FROM_020).detail).toBe(
      '0.2.0 → 0.3.0: 0.3.0 declares pause-rollouts, scp, expect-alerts, after-deploy (CHANGELOG.md, "Upgrading from"; docs/upgrading.md)',
    );
    expect(stepsLine('0.3.0', '0.3.0', []).detail).toBe(
      '0.3.0 → 0.3.0: no release between them declares an operator step',
    );
  });
});

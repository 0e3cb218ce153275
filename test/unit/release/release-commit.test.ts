import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseCheck } from '../../../aws/preflight/preflight-release.js';
import { checkoutHistory } from '../../../cli/checkout.js';
import { commitVerdict } from '../../../core/release/commit.js';
import { gitIn, releaseRepository } from '../../helpers/git-history.js';
import { mockClient } from '../../helpers/mock-client.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const ssm = mockClient(SSMClient);
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => {
  ssm.reset();
  cloudFormation.reset();
});

const stack = (name: string, release: string, commit?: string): Stack =>
  ({
    StackName: name,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(0),
    Outputs: [
      { OutputKey: 'GoldsmithRelease', OutputValue: release },
      ...(commit === undefined ? [] : [{ OutputKey: 'GoldsmithCommit', OutputValue: commit }]),
    ],
  }) as Stack;

/** A stage whose parameter and two stacks record `release`, the stacks deployed from `commit`. */
function stage(release: string, commit?: string): void {
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: release } });
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [stack('prod-goldsmith-Ledger', release, commit), stack('prod-goldsmith-Trust', release, commit)],
  });
}

describe('preflight --stage: the deployed commit of the same version', () => {
  it('refuses a checkout older than the deployed commit, and lets the newer one deploy over the older', async () => {
    const { dir, named, tip } = releaseRepository(testTempDir('goldsmith-commits-'));
    // Deployed from the tip; this checkout at the commit before it.
    gitIn(dir, ['checkout', '-q', '--detach', named]);
    stage('1.1.0-dev', tip);
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toEqual({
      name: 'release',
      status: 'missing',
      detail: `stage prod runs 1.1.0-dev at commit ${tip.slice(0, 7)}, which this checkout's ${named.slice(0, 7)} does not contain (git merge-base --is-ancestor ${tip.slice(0, 7)} HEAD: no): an older commit of the same version is refused; check out ${tip.slice(0, 7)} or a later commit of main`,
    });
    // The other order: deployed from the older commit, this checkout at the tip.
    gitIn(dir, ['checkout', '-q', 'main']);
    stage('1.1.0-dev', named);
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toEqual({
      name: 'release',
      status: 'ok',
      detail: `stage prod runs 1.1.0-dev at commit ${named.slice(0, 7)}, which this checkout's ${tip.slice(0, 7)} contains: deploying it moves the stage forward`,
    });
    stage('1.1.0-dev', tip);
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toMatchObject({
      status: 'ok',
      detail: `stage prod runs 1.1.0-dev at commit ${tip.slice(0, 7)}, this checkout's commit`,
    });
  });

  it('refuses a deployed commit this clone does not have, naming the fetch', async () => {
    const { dir } = releaseRepository(testTempDir('goldsmith-commits-'));
    const elsewhere = 'e'.repeat(40);
    stage('1.1.0-dev', elsewhere);
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toEqual({
      name: 'release',
      status: 'missing',
      detail: `stage prod runs 1.1.0-dev at commit eeeeeee, which this clone does not have (not in its history): fetch main (git fetch origin main) or check out ${elsewhere}, then run again`,
    });
  });

  it('judges only the same version: an upgrade, and stacks that record no commit, pass as before', async () => {
    const { dir } = releaseRepository(testTempDir('goldsmith-commits-'));
    stage('1.0.0', 'e'.repeat(40));
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toMatchObject({
      status: 'ok',
      detail: 'stage prod runs 1.0.0: deploying 1.1.0-dev upgrades it',
    });
    stage('1.1.0-dev');
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toMatchObject({
      status: 'ok',
      detail: "stage prod runs 1.1.0-dev, this checkout's release",
    });
    stage('1.1.0-dev', 'unknown');
    expect(await releaseCheck('prod', 'eu-west-1', '1.1.0-dev', undefined, checkoutHistory(dir))).toMatchObject({
      status: 'ok',
    });
  });
});

describe('commitVerdict', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);

  it('refuses outside a git checkout, where containment cannot be told', () => {
    expect(commitVerdict('prod', '0.3.0-dev', undefined, [{ commit: A, relation: 'unknown' }])).toEqual({
      ok: false,
      line: `stage prod runs 0.3.0-dev at commit aaaaaaa; this checkout is not a git checkout, so whether it contains that commit cannot be told: deploy from a git clone at ${A} or after it`,
    });
  });

  it('refuses when any of the stacks (a partial deploy) records a commit HEAD does not contain', () => {
    const verdict = commitVerdict('prod', '0.3.0-dev', B, [
      { commit: A, relation: 'ancestor' },
      { commit: B, relation: 'not-ancestor' },
    ]);
    expect(verdict?.ok).toBe(false);
    expect(commitVerdict('prod', '0.3.0-dev', B, [{ commit: 'unknown', relation: 'unknown' }])).toBeUndefined();
    expect(commitVerdict('prod', '0.3.0-dev', B, [])).toBeUndefined();
  });
});

import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { stackAdvice, stackState } from '../../core/preflight/stack-status.js';
import { type CheckoutHistory, judgeStageCommits } from '../../core/release/commit.js';
import { GOLDSMITH_VERSION, releaseParameterName, upgradeVerdict } from '../../core/release/index.js';
import { newestRelease, parameterAhead } from '../../core/release/recorded.js';
import { ssmClient } from '../clients/ssm.js';
import type { PreflightCheck } from './preflight-check.js';
import { type StageStacks, stageStacks } from './preflight-stacks.js';

/** The release a deployment of `stage` records in the home Region, or undefined when it records none. */
export async function deployedRelease(stage: string, region: string): Promise<string | undefined> {
  try {
    const out = await ssmClient(region).send(new GetParameterCommand({ Name: releaseParameterName(stage) }));
    return out.Parameter?.Value;
  } catch (error) {
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html (Errors)
    if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/**
 * The deployed release against this checkout's (docs/upgrading.md): a downgrade is missing, not ready to deploy.
 * Without a stage there is no deployment to compare with. With one, the newest release across the parameter and the
 * stage's stacks (their `GoldsmithRelease` output) counts, a parameter newer than every stack's release is refused
 * (core/release/recorded.ts: no deploy leaves one), and a stack that is not settled refuses with what to do
 * (core/preflight/stack-status.ts: wait, one command, or delete). With this checkout's git `history`, the same version
 * deployed from a commit HEAD does not contain refuses too (core/release/commit.ts).
 */
export async function releaseCheck(
  stage: string | undefined,
  region: string,
  checkout: string = GOLDSMITH_VERSION,
  readStacks: (stage: string, region: string) => Promise<StageStacks> = stageStacks,
  history?: CheckoutHistory,
): Promise<PreflightCheck> {
  const name = 'release';
  if (stage === undefined)
    return {
      name,
      status: 'not checked',
      detail: `this checkout is ${checkout}; pass --stage STAGE to compare it with the deployed release`,
    };
  let deployed: string | undefined;
  try {
    deployed = await deployedRelease(stage, region);
  } catch (error) {
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Fails closed: an unreadable release (AccessDenied, throttling) may hide a newer one, and a downgrade is refused.
    return {
      name,
      status: 'missing',
      detail: `cannot read ${releaseParameterName(stage)} in ${region} (${said}): the deploy is refused until it can be read (a downgrade cannot be ruled out)`,
    };
  }
  let stacks: StageStacks;
  try {
    stacks = await readStacks(stage, region);
  } catch (error) {
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, status: 'missing', detail: `cannot read stage ${stage}'s stacks in ${region} (${said}): refused` };
  }
  // A stack rolled back after a failed update (UPDATE_ROLLBACK_COMPLETE) is settled: its GoldsmithRelease output is
  // the restored template's, the release it ran before that deploy, compared below like any other.
  const stuck = stacks.stacks.filter((s) => stackState(s.status).kind !== 'settled');
  if (stuck.length > 0)
    return {
      name,
      status: 'missing',
      detail: `stage ${stage}: ${stuck.map((s) => `${s.name} is ${s.status} (${stackAdvice(s.status, s.name, region)})`).join('; ')}: a deploy is refused until every stack is settled (docs/upgrading.md, "A deploy failed")`,
    };
  if (deployed === undefined && stacks.stacks.some((s) => s.release !== undefined))
    return {
      name,
      status: 'missing',
      detail: `stage ${stage}'s stacks record a release but ${releaseParameterName(stage)} is missing: refused (a deleted parameter may hide a newer release)`,
    };
  // GetParameterHistory lists each version with its LastModifiedUser: who wrote the value
  // (https://docs.aws.amazon.com/cli/latest/reference/ssm/get-parameter-history.html).
  const ahead = parameterAhead({ parameter: deployed, stacks: stacks.stacks });
  if (ahead !== undefined)
    return {
      name,
      status: 'missing',
      detail: `${releaseParameterName(stage)} holds ${deployed} but stage ${stage}'s stacks record at most ${ahead}: the Trust stack writes it after every other stack deploys, so it was changed outside a deploy (or Trust was deployed alone, with a stack filter): check who wrote it (aws ssm get-parameter-history --name ${releaseParameterName(stage)} --region ${region}); refused, the upgrade's steps from ${ahead} would otherwise be skipped`,
    };
  const verdict = upgradeVerdict(checkout, newestRelease([deployed, ...stacks.stacks.map((s) => s.release)]), stage);
  const commits =
    verdict.kind === 'same' && history ? judgeStageCommits(stage, checkout, stacks.stacks, history) : undefined;
  if (commits) return { name, status: commits.ok ? 'ok' : 'missing', detail: commits.line };
  return {
    name,
    status: verdict.kind === 'downgrade' || verdict.kind === 'unreadable' ? 'missing' : 'ok',
    detail: verdict.line,
  };
}

import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GOLDSMITH_VERSION, releaseParameterName, upgradeVerdict } from '../core/release/index.js';
import { ssmClient } from './clients/ssm.js';
import type { PreflightCheck } from './preflight-check.js';

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
 * Without a stage there is no deployment to compare with.
 */
export async function releaseCheck(
  stage: string | undefined,
  region: string,
  checkout: string = GOLDSMITH_VERSION,
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
  const verdict = upgradeVerdict(checkout, deployed, stage);
  return {
    name,
    status: verdict.kind === 'downgrade' || verdict.kind === 'unreadable' ? 'missing' : 'ok',
    detail: verdict.line,
  };
}

import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { ledgerTableName } from '../../core/names.js';
import { scpGapList } from '../../core/preflight/scp-requirements.js';
import type { CheckoutIdentity } from '../../core/release/changelog.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import { oldestRelease } from '../../core/release/recorded.js';
import { stepsBetween } from '../../core/release/steps.js';
import {
  afterDeployLines,
  openRollouts,
  pauseRolloutsCheck,
  preReleaseCheck,
  type Read,
  type ScpRead,
  scpNeedsCheck,
  stepsLine,
} from '../../core/release/upgrade-checks.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { openWorkItems } from '../ledger/open-work.js';
import type { PreflightCheck } from './preflight-check.js';
import { nameOf, said } from './preflight-errors.js';
import { type AttachedScp, managementAccountSays, type Standing, unreadScps } from './preflight-organization.js';
import { deployedRelease } from './preflight-release.js';
import { type StageStacks, stageStacks } from './preflight-stacks.js';

/**
 * `goldsmith preflight --stage`'s checks of the operator steps the upgrade from the deployed release takes
 * (core/release/steps.ts, judged in core/release/upgrade-checks.ts): the pre-release rule, no rollout moving groups
 * where a release in between replaces the member rollout roles, the SCP statements the releases in between need,
 * and the alerts to expect. Read-only, with the operators' reads: the release parameter and the stacks' releases
 * (the steps are due from the oldest), the ledger's open rollouts (the `open-work` index), and the SCPs the SCP check
 * read.
 */

/**
 * Every rollout of the stage's ledger that is running, paused or having its groups taken back, whatever its image
 * (one the checkout's catalog no longer names included): two paginated Queries of the sparse `open-work` index, one
 * per kind (core/ledger/keys.ts), whatever the size of the ledger. No table yet (a first deploy) holds none.
 */
export async function stageRollouts(stage: string, region: string): Promise<Read<readonly RolloutRecord[]>> {
  const table = ledgerTableName(stage);
  try {
    const read = await Promise.all(
      [openWork.rollout, openWork.takeBack].map((kind) =>
        openWorkItems<Record<string, unknown>>(kind, undefined, undefined, { table, region }),
      ),
    );
    return { value: openRollouts(read.flat()) };
  } catch (error) {
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html (Errors: ResourceNotFoundException)
    if (nameOf(error) === 'ResourceNotFoundException') return { value: [] };
    // The operators' role may Query the index from 0.3.0 on (stacks/trust/operator.ts); a 0.2.0 stage's may not.
    const who =
      nameOf(error) === 'AccessDeniedException'
        ? `; run it with credentials allowed dynamodb:Query on the table's index/${openWorkIndex.name} (the deploying ones: npm run deploy runs it so)`
        : '';
    return { unknown: `Query of ${table}'s ${openWorkIndex.name} index: ${said(error)}${who}` };
  }
}

/**
 * The oldest release the stage records (its parameter and its stacks' `GoldsmithRelease`), from which the upgrade's
 * steps are due, and why; undefined (every declared step counts) when it cannot be read.
 */
async function dueFrom(
  stage: string,
  region: string,
  readStacks: (stage: string, region: string) => Promise<StageStacks>,
): Promise<{ release: string | undefined; note: string }> {
  try {
    const [parameter, { stacks }] = await Promise.all([deployedRelease(stage, region), readStacks(stage, region)]);
    const oldest = oldestRelease({ parameter, stacks });
    const note = stacks.length === 0 || oldest.release === parameter ? '' : ` (from the oldest recorded: ${oldest.by})`;
    return { release: oldest.release, note };
  } catch (error) {
    // The release check refuses this already; here every declared step counts.
    return {
      release: undefined,
      note: ` (the deployed release cannot be read, ${said(error)}: every declared step counts)`,
    };
  }
}

/** What the SCP check read, as the upgrade's SCP check reads it (for the same deployer). */
async function scpGapsRead(
  standing: Standing | undefined,
  scps: Promise<AttachedScp[]> | undefined,
  stage: string,
  region: string,
  deployer: string | undefined,
): Promise<ScpRead> {
  if (standing && standing.account === standing.management) return { moot: managementAccountSays(standing) };
  if (!standing || !scps) return { unknown: 'the organization could not be read (above)' };
  try {
    const found = await scps;
    return {
      value: scpGapList(
        found.map((p) => p.content),
        stage,
        standing.account,
        region,
        undefined,
        deployer,
      ),
    };
  } catch (error) {
    return { unknown: unreadScps(standing, error) };
  }
}

export interface UpgradeOptions {
  stage: string;
  /** `--pre-release`: a pre-release checkout may deploy. */
  preRelease: boolean;
  /** The catalog's home Region, where the release parameter and the ledger are. */
  homeRegion: string;
  /** The Region the organization is read in. */
  region: string;
  standing?: Standing;
  scps?: Promise<AttachedScp[]>;
  /** What git and CHANGELOG say of this checkout (cli/checkout.ts); absent: not a git checkout. */
  identity?: Pick<CheckoutIdentity, 'commit' | 'releases'>;
  /** The role the SCP is checked for (preflight's `deployer`; default goldsmith-deployer). */
  deployer?: string;
  /** The stage's stacks (default: DescribeStacks; preflight reads them once for the release check and this). */
  readStacks?: (stage: string, region: string) => Promise<StageStacks>;
}

/** The upgrade's checks for a deploy of this checkout onto `options.stage`. */
export async function upgradeChecks(
  options: UpgradeOptions,
  checkout: string = GOLDSMITH_VERSION,
): Promise<PreflightCheck[]> {
  const { stage } = options;
  const from = await dueFrom(stage, options.homeRegion, options.readStacks ?? stageStacks);
  const due = stepsBetween(from.release, checkout);
  const target = { kind: 'stage', stage } as const;
  const steps = stepsLine(from.release, checkout, due);
  const checks: PreflightCheck[] = [
    preReleaseCheck(checkout, options.preRelease, options.identity ?? { releases: [] }),
    { ...steps, detail: `${steps.detail}${from.note}` },
  ];
  if (due.length === 0) return checks;
  const pause = pauseRolloutsCheck(due, await stageRollouts(stage, options.homeRegion), target);
  if (pause) checks.push(pause);
  const scp = scpNeedsCheck(
    due,
    await scpGapsRead(options.standing, options.scps, stage, options.region, options.deployer),
    options.standing?.account,
  );
  if (scp) checks.push(scp);
  checks.push(...afterDeployLines(due, target));
  return checks;
}

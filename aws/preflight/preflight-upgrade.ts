import type { Catalog } from '../../core/config/schema.js';
import { skPrefix } from '../../core/ledger/keys.js';
import { ledgerTableName } from '../../core/names.js';
import { scpGapList } from '../../core/preflight/scp-requirements.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import { stepsBetween } from '../../core/release/steps.js';
import {
  afterDeployLines,
  pauseRolloutsCheck,
  preReleaseCheck,
  type Read,
  scpNeedsCheck,
  stepsLine,
} from '../../core/release/upgrade-checks.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { readImagePartitionByPrefix } from '../ledger/image-partition.js';
import type { PreflightCheck } from './preflight-check.js';
import { nameOf, said } from './preflight-errors.js';
import { type AttachedScp, managementAccountSays, type Standing, unreadScps } from './preflight-organization.js';
import { deployedRelease } from './preflight-release.js';

/**
 * `goldsmith preflight --stage`'s checks of the operator steps the upgrade from the deployed release takes
 * (core/release/steps.ts, judged in core/release/upgrade-checks.ts): the pre-release rule, no rollout moving groups
 * where a release in between replaces the member rollout roles, the SCP statements the releases in between need,
 * and the alerts to expect. Read-only, with the operators' reads: the release parameter, the ledger's rollout records
 * (a Query of each image's `ROLLOUT#` items, as `goldsmith rollout status` reads them), and the SCPs the SCP check
 * read.
 */

/** Every rollout record of the catalog's images in the stage's ledger: no table yet (a first deploy) holds none. */
export async function stageRollouts(
  catalog: Catalog,
  stage: string,
  region: string,
): Promise<Read<readonly RolloutRecord[]>> {
  const table = ledgerTableName(stage);
  try {
    const read = await Promise.all(
      Object.keys(catalog.images).map((image) =>
        readImagePartitionByPrefix(image, [[skPrefix.rollout]], table, true, region),
      ),
    );
    return { value: rolloutRecordsOf(read.flatMap((p) => p.of<LedgerItem>(skPrefix.rollout))) };
  } catch (error) {
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html (Errors: ResourceNotFoundException)
    if (nameOf(error) === 'ResourceNotFoundException') return { value: [] };
    return { unknown: `Query of ${table}: ${said(error)}` };
  }
}

/** What the SCP check read, as the upgrade's SCP check reads it. */
async function scpGapsRead(
  standing: Standing | undefined,
  scps: Promise<AttachedScp[]> | undefined,
  stage: string,
  region: string,
): Promise<Read<ReturnType<typeof scpGapList>>> {
  if (!standing || !scps) return { unknown: 'the organization could not be read (above)' };
  if (standing.account === standing.management) return { unknown: managementAccountSays(standing) };
  try {
    const found = await scps;
    return {
      value: scpGapList(
        found.map((p) => p.content),
        stage,
        standing.account,
        region,
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
}

/** The upgrade's checks for a deploy of this checkout onto `options.stage`. */
export async function upgradeChecks(
  catalog: Catalog,
  options: UpgradeOptions,
  checkout: string = GOLDSMITH_VERSION,
): Promise<PreflightCheck[]> {
  const { stage } = options;
  let deployed: string | undefined;
  let unread = '';
  try {
    deployed = await deployedRelease(stage, options.homeRegion);
  } catch (error) {
    // The release check refuses this already; here every declared step counts.
    unread = ` (the deployed release cannot be read, ${said(error)}: every declared step counts)`;
  }
  const due = stepsBetween(deployed, checkout);
  const target = { kind: 'stage', stage } as const;
  const steps = stepsLine(deployed, checkout, due);
  const checks: PreflightCheck[] = [
    preReleaseCheck(checkout, options.preRelease),
    { ...steps, detail: `${steps.detail}${unread}` },
  ];
  if (due.length === 0) return checks;
  const pause = pauseRolloutsCheck(due, await stageRollouts(catalog, stage, options.homeRegion), target);
  if (pause) checks.push(pause);
  const scp = scpNeedsCheck(
    due,
    await scpGapsRead(options.standing, options.scps, stage, options.region),
    options.standing?.account,
  );
  if (scp) checks.push(scp);
  checks.push(...afterDeployLines(due, target));
  return checks;
}

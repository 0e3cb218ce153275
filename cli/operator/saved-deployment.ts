import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedCloud } from '../../local/simulator/saved-cloud.js';
import type { SavedDeployment } from '../../local/snapshot/deployment.js';
import type { UpgradeFrom } from '../../local/snapshot/upgrade.js';
import { UsageError } from '../usage.js';
import type { SavedUpgrade } from './saved-release.js';

/** Beside a save of a release that did not carry its deployment (0.2.0): scripts/release/deployment.ts writes it. */
export const DEPLOYMENT_FILE = 'deployment.json';

/**
 * What an upgrade of the cloud saved in `dir` deploys over: the deployment its save carries, or the one written
 * beside it from the saving release's checkout. Without either, the running executions' definitions are unknown:
 * refused, saying how to write it.
 */
export async function upgradeFrom(dir: string, upgrade: SavedUpgrade, open: SavedCloud): Promise<UpgradeFrom> {
  if (open.deployment) return { ...upgrade, previous: open.deployment };
  let text: string;
  try {
    text = await readFile(join(dir, DEPLOYMENT_FILE), 'utf8');
  } catch {
    throw new UsageError(
      `${dir} was saved by Goldsmith ${upgrade.from}, whose saves do not record what they ran on (the state machine definitions its running executions keep): write it beside the save with "npm run release:deployment -- --root <a checkout of ${upgrade.from}> --into ${dir}", then resume`,
    );
  }
  const previous = JSON.parse(text) as SavedDeployment;
  if (previous.release !== upgrade.from) {
    throw new UsageError(
      `${join(dir, DEPLOYMENT_FILE)} is the deployment of Goldsmith ${previous.release}, not of ${upgrade.from}, which saved ${dir}`,
    );
  }
  return { ...upgrade, previous };
}

import type { CheckoutIdentity } from '../core/release/changelog.js';
import { GOLDSMITH_VERSION, upgradeVerdict } from '../core/release/index.js';
import { stepsBetween } from '../core/release/steps.js';
import {
  afterDeployLines,
  openRollouts,
  pauseRolloutsCheck,
  preReleaseCheck,
  scpNeedsCheck,
  stepsLine,
  type UpgradeCheck,
} from '../core/release/upgrade-checks.js';
import { checkoutIdentity } from './checkout.js';
import { savedRelease } from './operator/saved-release.js';
import { readState, upgradeOf } from './operator/saved-state.js';

/**
 * `goldsmith preflight --local DIR`: the release and upgrade checks of `preflight --stage`, run against a saved local
 * cloud (`simulate --save DIR`) to rehearse the upgrade: the release the save records (saved-release.ts), the steps
 * between it and this checkout (core/release/steps.ts), its ledger's open rollouts (the items the `open-work` index
 * holds, as on a stage), the pre-release rule (HEAD against CHANGELOG: cli/checkout.ts). No credentials:
 * what needs a real account is `unknown`, with why. Read-only: a save of the previous release is read as it is (not
 * upgraded; `simulate --resume DIR` does that).
 */
export async function localPreflight(
  dir: string,
  preRelease: boolean,
  checkout: string = GOLDSMITH_VERSION,
  git: Pick<CheckoutIdentity, 'commit' | 'releases'> = checkoutIdentity(),
): Promise<UpgradeCheck[]> {
  const state = await readState(dir, { upgrading: true });
  const saved = savedRelease(state.identity);
  const verdict = upgradeVerdict(checkout, saved, dir);
  const due = stepsBetween(saved, checkout);
  const other = upgradeOf(state);
  const target = { kind: 'local', dir, ...(other ? { savedBy: other.from } : {}) } as const;
  const account = {
    name: 'account',
    status: 'not checked',
    detail: `a saved cloud has no AWS account: credentials, the Region, the organization, quotas, StackSets, Inspector, the CDK bootstrap and Lambda concurrency are checked by \`goldsmith preflight --stage STAGE\` with credentials`,
  } as const;
  const checks: UpgradeCheck[] = [
    account,
    {
      name: 'release',
      status: verdict.kind === 'downgrade' || verdict.kind === 'unreadable' ? 'missing' : 'ok',
      detail: `saved at ${state.savedAt}: ${verdict.line.replace(`stage ${dir}`, `the cloud in ${dir}`)}`,
    },
    preReleaseCheck(checkout, preRelease, git),
    stepsLine(saved, checkout, due),
  ];
  if (due.length === 0) return checks;
  const pause = pauseRolloutsCheck(due, { value: openRollouts(state.snapshot.ledger) }, target);
  if (pause) checks.push(pause);
  const scp = scpNeedsCheck(
    due,
    {
      moot: 'a saved cloud has no organization: `goldsmith preflight --stage STAGE` reads the SCPs above the factory account',
    },
    undefined,
  );
  if (scp) checks.push(scp);
  checks.push(...afterDeployLines(due, target));
  return checks;
}

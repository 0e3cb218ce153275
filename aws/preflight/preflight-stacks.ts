import { paginateDescribeStacks, type Stack } from '@aws-sdk/client-cloudformation';
import { stackResourcePrefix } from '../../core/names.js';
import { cloudFormationClient } from '../clients/cloudformation.js';

/** The stack output every Goldsmith stack carries: the release that last deployed it (stacks/trust/release.ts). */
export const RELEASE_OUTPUT = 'GoldsmithRelease';
/** The stack output that records the commit beside the release (stacks/trust/release.ts). */
export const COMMIT_OUTPUT = 'GoldsmithCommit';

/** What the stage's stacks say: each stack's status and the release its last successful deploy recorded. */
export interface StageStacks {
  stacks: { name: string; status: string; release: string | undefined; commit?: string | undefined }[];
}

/**
 * Every stack of the account in `region`, read with DescribeStacks and its paginator (1 call per page;
 * cloudformation:DescribeStacks). https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
export async function accountStacks(region: string): Promise<Stack[]> {
  const found: Stack[] = [];
  for await (const page of paginateDescribeStacks({ client: cloudFormationClient(region) }, {}))
    found.push(...(page.Stacks ?? []));
  return found;
}

/** The stage's stacks (`<stage>-goldsmith-*`) among the account's, with the release and commit each records. */
export function stageStacksOf(stage: string, all: readonly Stack[]): StageStacks {
  const prefix = stackResourcePrefix(stage);
  return {
    stacks: all
      .filter((s) => s.StackName?.startsWith(prefix))
      .map((s) => ({
        name: s.StackName ?? '',
        status: String(s.StackStatus ?? ''),
        release: s.Outputs?.find((o) => o.OutputKey === RELEASE_OUTPUT)?.OutputValue,
        commit: s.Outputs?.find((o) => o.OutputKey === COMMIT_OUTPUT)?.OutputValue,
      })),
  };
}

/** The stage's stacks in `region`: {@link stageStacksOf} over {@link accountStacks}. */
export async function stageStacks(stage: string, region: string): Promise<StageStacks> {
  return stageStacksOf(stage, await accountStacks(region));
}

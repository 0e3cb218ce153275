import { paginateListStackInstances, type StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { cloudFormationClient } from '../clients/cloudformation.js';

/**
 * The member baseline's stack instances of `account` in `region`, every page: ListStackInstances filters by account
 * and Region (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html).
 */
export async function baselineInstances(
  stackSet: { stackSetName: string; callAs: 'SELF' | 'DELEGATED_ADMIN' },
  account: string,
  region: string,
): Promise<StackInstanceSummary[]> {
  const found: StackInstanceSummary[] = [];
  const pages = paginateListStackInstances(
    { client: cloudFormationClient() },
    {
      StackSetName: stackSet.stackSetName,
      StackInstanceAccount: account,
      StackInstanceRegion: region,
      CallAs: stackSet.callAs,
    },
  );
  for await (const page of pages) found.push(...(page.Summaries ?? []));
  return found;
}

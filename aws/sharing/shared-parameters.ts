import { paginateListResources } from '@aws-sdk/client-ram';
import { ramClient } from '../clients/ram.js';

/** A parameter this account shares through RAM, and the share that holds it. */
export interface SharedParameter {
  arn: string;
  resourceShareArn: string;
}

/**
 * Every parameter this account shares through RAM in `region`, each with the share holding it (a parameter in two
 * shares is listed twice): ListResources, owner SELF, type `ssm:Parameter`, 500 a page, every page
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_ListResources.html). The shares RAM makes by itself for a
 * resource policy someone put on a parameter (feature set CREATED_FROM_POLICY:
 * https://docs.aws.amazon.com/ram/latest/APIReference/API_PromoteResourceShareCreatedFromPolicy.html) are the owner's,
 * so they are listed too.
 * @returns the parameters and how many calls listed them.
 */
export async function listSharedParameters(region: string): Promise<{ parameters: SharedParameter[]; calls: number }> {
  const parameters: SharedParameter[] = [];
  let calls = 0;
  const pages = paginateListResources(
    { client: ramClient(region), pageSize: 500 },
    { resourceOwner: 'SELF', resourceType: 'ssm:Parameter' },
  );
  for await (const page of pages) {
    calls++;
    for (const r of page.resources ?? []) {
      if (r.arn && r.resourceShareArn) parameters.push({ arn: r.arn, resourceShareArn: r.resourceShareArn });
    }
  }
  return { parameters, calls };
}

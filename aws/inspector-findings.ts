import { paginateListFindings } from '@aws-sdk/client-inspector2';
import { inspector2Client } from './clients/inspector2.js';

/** An Inspector finding ARN: `arn:<partition>:inspector2:<region>:<account>:finding/<id>`. */
const FINDING_ARN = /^arn:aws[a-z-]*:inspector2:([a-z0-9-]+):\d{12}:finding\/[A-Za-z0-9_-]{1,128}$/;

/** The Region a finding ARN names, or undefined when it is not an Inspector finding ARN. */
export function regionOfFindingArn(findingArn: string): string | undefined {
  return FINDING_ARN.exec(findingArn)?.[1];
}

/**
 * The finding Inspector lists under `findingArn` now, as plain JSON (timestamps as ISO text): the same fields as
 * the "Inspector2 Finding" event's detail. Undefined when Inspector lists none (never existed, or not visible to the
 * factory). ListFindings with a `findingArn` EQUALS filter, in the finding's own Region
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_FilterCriteria.html); as the organization's delegated
 * administrator the factory lists its members' findings too
 * (https://docs.aws.amazon.com/inspector/latest/user/admin-member-relationship.html).
 */
export async function listedFinding(findingArn: string): Promise<unknown> {
  const region = regionOfFindingArn(findingArn);
  if (!region) return undefined;
  const pages = paginateListFindings(
    { client: inspector2Client(region), pageSize: 10 },
    { filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: findingArn }] } },
  );
  for await (const page of pages) {
    const found = (page.findings ?? []).find((f) => f.findingArn === findingArn);
    if (found) return JSON.parse(JSON.stringify(found));
  }
  return undefined;
}

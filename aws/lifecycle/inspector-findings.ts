import { paginateListFindings } from '@aws-sdk/client-inspector2';
import { GoldsmithError } from '../../core/errors.js';
import { inspector2Client } from '../clients/inspector2.js';
import { assumedRoleIdentity } from '../clients/member-role.js';
import type { ClientIdentity } from '../clients/registry.js';

/** An Inspector finding ARN: `arn:<partition>:inspector2:<region>:<account>:finding/<id>`. */
const FINDING_ARN = /^arn:aws[a-z-]*:inspector2:([a-z0-9-]+):\d{12}:finding\/[A-Za-z0-9_-]{1,128}$/;

/** The Region a finding ARN names, or undefined when it is not an Inspector finding ARN. */
export function regionOfFindingArn(findingArn: string): string | undefined {
  return FINDING_ARN.exec(findingArn)?.[1];
}

/**
 * Where findings are read: the factory's own Inspector (it is the organization's delegated administrator), or the
 * delegated administrator's, another account (`organization.inspectorAdministrator`), through the role that account
 * grants, whose ARN the stacks put in `INSPECTOR_FINDINGS_ROLE_ARN`.
 */
export type FindingsReader =
  | { administrator: 'factory' }
  | { administrator: string; roleArn: string; identity: ClientIdentity };

/** The role session's name, as the administrator's CloudTrail shows who read its findings. */
const SESSION_NAME = 'goldsmith-on-finding';

/** The reader this function's environment sets up. */
export function findingsReader(): FindingsReader {
  const roleArn = process.env.INSPECTOR_FINDINGS_ROLE_ARN;
  if (!roleArn) return { administrator: 'factory' };
  const administrator = roleArn.split(':')[4] ?? '';
  return { administrator, roleArn, identity: assumedRoleIdentity(roleArn, SESSION_NAME) };
}

/** Who reads, in words: "the factory" or "Inspector's delegated administrator 111122223333". */
export function readerName(reader: FindingsReader): string {
  return reader.administrator === 'factory'
    ? 'the factory'
    : `Inspector's delegated administrator ${reader.administrator}`;
}

/**
 * The delegated administrator refused the factory: its role is missing, does not trust the factory's on-finding role,
 * or does not allow ListFindings. Permanent (access denied): the event fails and is dead-lettered for a person, who
 * replays it once the role is in place.
 */
export class InspectorAdministratorRefusedError extends GoldsmithError {
  constructor(
    readonly roleArn: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot read findings from Inspector's delegated administrator ${roleArn.split(':')[4]}: ${reason}. Deploy docs/templates/inspector-findings-role.json in that account with this stage, the factory account and the organization id (docs/deploy/inspector-findings.md, set-up b); then replay the dead-lettered finding events (docs/operating/runbooks.md)`,
      options,
    );
    this.name = 'InspectorAdministratorRefusedError';
  }
}

const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * The finding Inspector lists under `findingArn` now, as plain JSON (timestamps as ISO text): the same fields as
 * the "Inspector2 Finding" event's detail. Undefined when Inspector lists none (never existed, or not visible to the
 * reader). ListFindings with a `findingArn` EQUALS filter, in the finding's own Region
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_FilterCriteria.html). Only the organization's delegated
 * administrator lists its members' findings; another account lists its own
 * (https://docs.aws.amazon.com/inspector/latest/user/admin-member-relationship.html). So when the administrator is
 * another account, the call is made in that account, as the role it grants (STS AssumeRole: a cross-account call
 * needs the caller's identity policy and the role's trust policy to allow it,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 * @throws InspectorAdministratorRefusedError when that account refuses the role or the call.
 */
export async function listedFinding(findingArn: string, reader: FindingsReader = findingsReader()): Promise<unknown> {
  const region = regionOfFindingArn(findingArn);
  if (!region) return undefined;
  const client = inspector2Client(region, 'identity' in reader ? reader.identity : undefined);
  const pages = paginateListFindings(
    { client, pageSize: 10 },
    { filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: findingArn }] } },
  );
  try {
    for await (const page of pages) {
      const found = (page.findings ?? []).find((f) => f.findingArn === findingArn);
      if (found) return JSON.parse(JSON.stringify(found));
    }
  } catch (err) {
    if ('roleArn' in reader && err instanceof Error && REFUSALS.has(err.name)) {
      throw new InspectorAdministratorRefusedError(reader.roleArn, `${err.name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return undefined;
}

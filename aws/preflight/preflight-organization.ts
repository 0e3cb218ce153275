import {
  DescribePolicyCommand,
  DescribeResourcePolicyCommand,
  paginateListParents,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import {
  DELEGATION_POLICY_ACTIONS,
  delegationGaps,
  PREFLIGHT_ORGANIZATIONS_READS,
} from '../../core/preflight/policies.js';
import { type ScpGap, scpGapList, scpRequirements } from '../../core/preflight/scp-requirements.js';
import { type DeployedRole, deployedRoleNames, generatedPrefix, type RoleNames } from '../../core/scp/names.js';
import { goldsmithScp } from '../../core/scp/split.js';
import { DEFAULT_DEPLOYER, DEFAULT_KEY_ROTATOR } from '../../core/scp/statements.js';
import { organizationsClient } from '../clients/organizations.js';
import type { PreflightCheck } from './preflight-check.js';
import { nameOf, said } from './preflight-errors.js';

/**
 * `goldsmith preflight`'s reads of what the management account set up for the factory account: the Organizations
 * delegation policy, the service control policy on Goldsmith's functions, Inspector's delegated administrator, and
 * what brings Organizations' events to the factory. Read-only calls; each says what to run when something is missing.
 */

/** Where the factory account stands in its organization. */
export interface Standing {
  account: string;
  management: string;
  organizationId: string;
}

const denied = (error: unknown) => /AccessDenied/i.test(nameOf(error));

/**
 * The delegation policy: needed only by a member account, and read with DescribeResourcePolicy, which the management
 * account or a delegated administrator may call
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeResourcePolicy.html;
 * ResourcePolicyNotFoundException when there is none).
 */
export async function delegationPolicyCheck(s: Standing, region: string): Promise<PreflightCheck> {
  const name = 'Organizations delegation policy';
  if (s.account === s.management)
    return { name, status: 'ok', detail: 'not needed: the management account reads its organization itself' };
  const fix = `from the management account, run \`aws organizations put-resource-policy --content file://goldsmith-delegation.json\` with the policy docs/deploy.md gives ("A delegated administrator account")`;
  try {
    const out = await organizationsClient(region).send(new DescribeResourcePolicyCommand({}));
    const gaps = delegationGaps(out.ResourcePolicy?.Content ?? '{}', s.account, s.organizationId);
    return gaps.length === 0
      ? {
          name,
          status: 'ok',
          detail: `allows ${s.account} the ${DELEGATION_POLICY_ACTIONS.length} Organizations reads Goldsmith's functions and preflight make`,
        }
      : { name, status: 'missing', detail: `does not allow ${s.account} ${gaps.join(', ')}: ${fix}` };
  } catch (error) {
    if (nameOf(error) === 'ResourcePolicyNotFoundException')
      return { name, status: 'missing', detail: `the organization has none: ${fix}` };
    return {
      name,
      status: 'not checked',
      detail: denied(error)
        ? `${s.account} may not read it (${said(error)}): only the management account or a delegated administrator may call DescribeResourcePolicy; ask the management account to run \`aws organizations describe-resource-policy\``
        : said(error),
    };
  }
}

/** The account and its parents up to the root, where an SCP attached to any of them applies to it. */
async function targetsAbove(account: string, region: string): Promise<string[]> {
  const client = organizationsClient(region);
  const chain = [account];
  for (let child = account; ; ) {
    let parent: string | undefined;
    for await (const page of paginateListParents({ client }, { ChildId: child })) parent ??= page.Parents?.[0]?.Id;
    if (!parent) return chain;
    chain.push(parent);
    if (parent.startsWith('r-')) return chain;
    child = parent;
  }
}

/** How many of the open requests the check's line names before "and N more". */
const NAMED = 3;

const andMore = (items: readonly string[]) =>
  items.length > NAMED ? `${items.slice(0, NAMED).join('; ')}; and ${items.length - NAMED} more` : items.join('; ');

/** The stage's deployed roles as preflight read them, or why they could not be read. */
export type RolesRead = { roles: DeployedRole[]; execRoleStacks?: string[] } | { unknown: string };

/** The names the check evaluates Goldsmith's own calls with, and what it says about them. */
function roleNamesOf(stage: string, read: RolesRead | undefined): { names?: RoleNames; says: string } {
  if (read === undefined) return { says: 'roles named as the stacks synthesize them (pass --stage to read them)' };
  if ('unknown' in read) return { says: `roles named as the stacks synthesize them (${read.unknown})` };
  if (read.roles.length === 0)
    return { says: `roles named as the stacks synthesize them (stage ${stage} has none yet)` };
  return { names: deployedRoleNames(stage, read.roles), says: `the ${read.roles.length} roles as deployed` };
}

/** The parts of `goldsmith scp` whose statements are not all in force: what to create and attach. */
function partsMissing(
  stage: string,
  gaps: readonly ScpGap[],
  deployer: string,
  sinkSecrets: readonly string[],
): string[] {
  const open = new Set(gaps.filter((g) => g.kind === 'open').map((g) => g.statement));
  return goldsmithScp({ stage, account: '*', deployer, keyRotator: DEFAULT_KEY_ROTATOR, sinkSecrets })
    .filter((part) => part.sids.some((sid) => open.has(sid)))
    .map((part) => `${part.name} (${part.sids.filter((sid) => open.has(sid)).join(', ')})`);
}

/**
 * The service control policy of docs/security/scp.md. SCPs do not apply to the management account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html), so there it cannot
 * be met. Otherwise the policies attached to the account and every OU above it, and the root, are read with
 * ListPoliciesForTarget and DescribePolicy (management account or delegated administrator:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html), and their Deny
 * statements evaluated together for every action of every statement the policy has, on Goldsmith's resources of
 * `stage`, as a principal that is not Goldsmith's would send it (core/preflight/scp-requirements.ts): every one must
 * be refused, and none of the calls Goldsmith's own roles make, under their deployed names where `roles` read them,
 * nor the deploy's own calls as `deployer` (the role `goldsmith scp --deployer` exempts). Policies that cannot be
 * read are a failure naming the permissions to add: the deploy is refused until the SCP is checked.
 */
export async function serviceControlPolicyCheck(
  s: Standing,
  region: string,
  stage = 'prod',
  read?: Promise<AttachedScp[]>,
  roles?: Promise<RolesRead>,
  deployer: string = DEFAULT_DEPLOYER,
  /** The catalog's chat sinks' secrets, whose statements are required too. */
  sinkSecrets: readonly string[] = [],
): Promise<PreflightCheck> {
  const name = 'service control policy';
  if (s.account === s.management)
    return {
      name,
      status: 'not checked',
      detail: `${managementAccountSays(s)}; deploy into a member account to close that (docs/security/scp.md)`,
    };
  try {
    const found = await (read ?? attachedScps(s, region));
    const rolesRead = await roles;
    const { names, says } = roleNamesOf(stage, rolesRead);
    const list = scpGapList(
      found.map((p) => p.content),
      stage,
      s.account,
      region,
      names,
      deployer,
      sinkSecrets,
    );
    const refused = list.filter((g) => g.kind === 'refuses-goldsmith').map((g) => g.line);
    const open = list.filter((g) => g.kind === 'open');
    const write = `\`${scpCommand(stage, deployer)} --out scp/\`, then from the management account \`aws organizations create-policy --type SERVICE_CONTROL_POLICY --name <part> --content file://scp/<part>.json\` and \`aws organizations attach-policy --policy-id <id> --target-id ${s.account}\` for each part`;
    if (refused.length > 0)
      return {
        name,
        status: 'missing',
        detail: `the SCPs on ${s.account} or above it refuse Goldsmith's own calls (${says}): ${andMore(refused)}; exempt its roles as \`${scpCommand(stage, deployer)}\` writes them (arn:aws:iam::*:role/${generatedPrefix(stage)}*, arn:aws:iam::*:role/goldsmith-${stage}-on-finding where it writes, and the deployer arn:aws:iam::*:role/${deployer})`,
      };
    if (open.length > 0) {
      const statements = [...new Set(open.map((g) => g.statement))];
      return {
        name,
        status: 'missing',
        detail: `the SCPs on ${s.account} or above it (${found.length === 0 ? 'none' : found.map((p) => p.name).join(', ')}) do not deny ${open.length} of the ${scpRequirements(stage, s.account, region, deployer, sinkSecrets).length} changes docs/security/scp.md lists on stage ${stage}'s resources to principals that are not Goldsmith's, in ${statements.length} statements (${statements.join(', ')}): ${andMore(open.map((g) => g.line))}. Not in force: ${partsMissing(stage, list, deployer, sinkSecrets).join('; ')}. Run ${write}`,
      };
    }
    const stray = rolesRead && 'roles' in rolesRead ? (rolesRead.execRoleStacks ?? []) : [];
    if (stray.length > 0)
      return {
        name,
        status: 'missing',
        detail: `${andMore(stray)} ${stray.length === 1 ? 'was' : 'were'} deployed with the CDK execution role but ${stray.length === 1 ? 'is' : 'are'} not stage ${stage}'s: an update that names no role runs as that role, which the SCP exempts (ExecRoleOnlyForGoldsmithStacks sees only requests that name it); delete ${stray.length === 1 ? 'it' : 'them'} (\`aws cloudformation delete-stack --stack-name <name> --region ${region}\`) or deploy ${stray.length === 1 ? 'it' : 'them'} with a role of ${stray.length === 1 ? 'its' : 'their'} own`,
      };
    return {
      name,
      status: 'ok',
      detail: `${found.map((p) => p.name).join(', ')} deny every change docs/security/scp.md lists on stage ${stage}'s resources to principals that are not Goldsmith's, and none of Goldsmith's own calls (${says}; the deploy's as ${deployer})`,
    };
  } catch (error) {
    return { name, status: 'missing', detail: unreadScps(s, error) };
  }
}

/** `goldsmith scp` as it writes the policy for `stage` and `deployer`. */
export const scpCommand = (stage: string, deployer: string): string =>
  `goldsmith scp --stage ${stage}${deployer === DEFAULT_DEPLOYER ? '' : ` --deployer ${deployer}`}`;

/** The reads of the SCPs (attachedScps): the permissions the role preflight runs as needs for them. */
export const SCP_READS = PREFLIGHT_ORGANIZATIONS_READS;

/** Why the SCPs could not be read, and what to add so that they can: the deploy is refused until they are. */
export const unreadScps = (s: Standing, error: unknown): string =>
  denied(error)
    ? `could not read the SCPs attached to ${s.account} and above it (${said(error)}): add ${SCP_READS.join(' and ')} (and organizations:ListParents) to the role preflight runs as, and to the delegation policy (docs/deploy.md, "A delegated administrator account"); the management account can list them with \`aws organizations list-policies-for-target --target-id ${s.account} --filter SERVICE_CONTROL_POLICY\``
    : `could not read the SCPs attached to ${s.account} and above it (${said(error)}): run preflight again; the deploy is refused until they are read`;

/** That SCPs do not bind the management account. */
export const managementAccountSays = (s: Standing): string =>
  `service control policies do not apply to the management account ${s.account}: nothing stops its administrators changing what Goldsmith made or invoking its functions directly`;

/** A customer-managed SCP attached to the factory account or above it. */
export interface AttachedScp {
  id: string;
  name: string;
  content: string;
}

/**
 * The SCPs attached to the account, every OU above it and the root (AWS-managed ones left out), read with
 * ListPoliciesForTarget and DescribePolicy: read once for the SCP check and the upgrade's.
 */
export async function attachedScps(s: Standing, region: string): Promise<AttachedScp[]> {
  const client = organizationsClient(region);
  const found: AttachedScp[] = [];
  for (const target of await targetsAbove(s.account, region)) {
    for await (const page of paginateListPoliciesForTarget(
      { client },
      { TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' },
    )) {
      for (const p of page.Policies ?? []) {
        if (!p.Id || p.AwsManaged) continue;
        const out = await client.send(new DescribePolicyCommand({ PolicyId: p.Id }));
        found.push({ id: p.Id, name: p.Name ?? p.Id, content: out.Policy?.Content ?? '{}' });
      }
    }
  }
  return found;
}

/**
 * Organizations' events (docs/organization.md): a CloudTrail trail logging management events in the management
 * account and, for a factory outside us-east-1 or in a member account, a rule there forwarding `aws.organizations`
 * events. Neither can be read from here: both live in the management account's us-east-1, where the factory's
 * credentials cannot look (the audit reads the factory account's own event history, not another account's trails).
 */
export function organizationEventsCheck(s: Standing, homeRegion: string): PreflightCheck {
  const forwarding =
    s.account !== s.management || homeRegion !== 'us-east-1'
      ? `, and a rule on its us-east-1 default bus forwarding \`{"source":["aws.organizations"]}\` to arn:aws:events:${homeRegion}:${s.account}:event-bus/default (\`aws events list-rules --region us-east-1\`)`
      : '';
  return {
    name: 'Organizations events',
    status: 'not checked',
    detail: `not readable from the factory account (the trail and rule are the management account's, in us-east-1): in ${s.management}, \`aws cloudtrail get-trail-status --name <trail> --region us-east-1\` must say IsLogging true for a trail logging management events${forwarding}. Without them organization changes reach Goldsmith only at the full read (every \`monitoring.organizationFullReadEvery\`, 7 days by default)`,
  };
}

import type { Stack } from '@aws-sdk/client-cloudformation';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Catalog } from '../../core/config/schema.js';
import { SINKS, sinkSecretNames } from '../../core/notifications/sinks.js';
import { callerOf } from '../../core/preflight/caller.js';
import { deployerOf } from '../../core/preflight/scp-deployer.js';
import type { CheckoutIdentity } from '../../core/release/changelog.js';
import type { CheckoutHistory } from '../../core/release/commit.js';
import { DEFAULT_DEPLOYER } from '../../core/scp/roles.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { organizationsClient } from '../clients/organizations.js';
import { ssmClient } from '../clients/ssm.js';
import { stsClient } from '../clients/sts.js';
import { readOrganizationTree } from '../sharing/organizations-targets.js';
import {
  baselineToleranceCheck,
  factoryPrincipalChecks,
  iamCheck,
  lambdaConcurrencyCheck,
} from './preflight-account.js';
import type { PreflightCheck } from './preflight-check.js';
import { deployerCheck } from './preflight-deployer.js';
import { nameOf, said, unreadable } from './preflight-errors.js';
import { inspectorAdministratorCheck, inspectorMembersCheck } from './preflight-inspector.js';
import {
  attachedScps,
  delegationPolicyCheck,
  organizationEventsCheck,
  type RolesRead,
  type Standing,
  serviceControlPolicyCheck,
} from './preflight-organization.js';
import { amiSharingQuotaCheck, treeNeedsTags } from './preflight-quotas.js';
import { distributionRegions, imageBlockPublicAccessCheck, inspectorCheck } from './preflight-regions.js';
import { releaseCheck } from './preflight-release.js';
import { deployedRoles, stacksWithExecRole } from './preflight-roles.js';
import { sbomBucketCheck } from './preflight-sbom-bucket.js';
import { sinkSecretChecks } from './preflight-sink-secrets.js';
import { accountStacks, type StageStacks, stageStacks, stageStacksOf } from './preflight-stacks.js';
import { enabledServicePrincipals, memberBaselineChecks } from './preflight-stacksets.js';

export { sinkSecretChecks };

import { upgradeChecks } from './preflight-upgrade.js';

/**
 * `goldsmith preflight`: what a deployment needs that the stacks cannot create, read with the caller's own
 * credentials. Every call is a read (Get, Describe, List); nothing is created or changed. docs/deploy.md explains
 * each prerequisite and cites AWS's pages.
 */

export type { CheckStatus, PreflightCheck } from './preflight-check.js';

// The CDK bootstrap stack records its version here (default qualifier); deployments read it
// (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html).
export const CDK_BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

const denied = (error: unknown) => /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(nameOf(error));
interface Who {
  account: string;
  arn: string;
}

async function credentials(region: string): Promise<{ check: PreflightCheck; who?: Who }> {
  try {
    const out = await stsClient(region).send(new GetCallerIdentityCommand({}));
    const who = { account: out.Account ?? '', arn: out.Arn ?? '' };
    return { check: { name: 'credentials', status: 'ok', detail: `${who.arn} (account ${who.account})` }, who };
  } catch (error) {
    // A name that does not resolve or a refused connection is the network, not the credentials: say which to fix.
    const code = (error as { code?: string }).code ?? '';
    const unreachable = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code);
    return {
      check: {
        name: 'credentials',
        status: 'missing',
        detail: unreachable
          ? `STS in ${region} cannot be reached (${said(error)}): check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL, then run again`
          : `no usable AWS credentials (${said(error)}): set AWS_PROFILE or sign in, then run again`,
      },
    };
  }
}

function regionCheck(catalog: Catalog, region: string): PreflightCheck {
  const home = catalog.organization.homeRegion;
  return region === home
    ? { name: 'region', status: 'ok', detail: `${region} is the catalog's homeRegion` }
    : {
        name: 'region',
        status: 'missing',
        detail: `the credentials' Region is ${region}, the catalog's homeRegion is ${home}: sst.config.ts deploys to AWS_REGION, so set AWS_REGION=${home}`,
      };
}

/**
 * The organization, whether this is its management account, and whether this account may read its tree (the
 * Share step reads OUs and accounts). A member account needs the management account's resource-based delegation
 * policy for those reads
 * (https://docs.aws.amazon.com/organizations/latest/userguide/security_iam_resource-based-policy-examples.html).
 */
async function organizationChecks(
  catalog: Catalog,
  who: Who,
  region: string,
): Promise<{ checks: PreflightCheck[]; standing?: Standing }> {
  const orgs = organizationsClient(region);
  let management: boolean;
  let managementAccount: string;
  try {
    const { Organization } = await orgs.send(new DescribeOrganizationCommand({}));
    const id = Organization?.Id ?? '';
    if (id !== catalog.organization.id) {
      const detail = `account ${who.account} is in ${id}, the catalog names ${catalog.organization.id}: fix organization.id or deploy into an account of that organization`;
      return { checks: [{ name: 'organization', status: 'missing', detail }] };
    }
    managementAccount = Organization?.MasterAccountId ?? '';
    management = managementAccount === who.account;
  } catch (error) {
    const detail = `account ${who.account} cannot describe its organization (${said(error)}): deploy into an account of ${catalog.organization.id}`;
    return { checks: [{ name: 'organization', status: 'missing', detail }] };
  }
  const checks: PreflightCheck[] = [
    {
      name: 'organization',
      status: 'ok',
      detail: `${catalog.organization.id}; ${who.account} is ${management ? 'its management account' : 'a member account'}`,
    },
  ];
  try {
    const roots = await orgs.send(new ListRootsCommand({ MaxResults: 1 }));
    const root = roots.Roots?.[0]?.Id ?? '';
    await orgs.send(new ListOrganizationalUnitsForParentCommand({ ParentId: root, MaxResults: 1 }));
    await orgs.send(new ListAccountsForParentCommand({ ParentId: root, MaxResults: 1 }));
    checks.push({ name: 'organization tree', status: 'ok', detail: 'roots, OUs and accounts can be listed' });
  } catch (error) {
    checks.push({
      name: 'organization tree',
      status: 'missing',
      detail: denied(error)
        ? `${who.account} may not list the organization's OUs and accounts (${said(error)}): from the management account, put a resource-based delegation policy allowing it (docs/deploy.md, "A delegated administrator account")`
        : `listing the organization failed: ${said(error)}`,
    });
  }
  checks.push(await ramSharing(orgs, management));
  return {
    checks,
    standing: { account: who.account, management: managementAccount, organizationId: catalog.organization.id },
  };
}

/**
 * Resource sharing with the organization: RAM's EnableSharingWithAwsOrganization, called once from the management
 * account, turns on trusted access for ram.amazonaws.com
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_EnableSharingWithAwsOrganization.html), which
 * ListAWSServiceAccessForOrganization lists; that call works from the management account or a delegated
 * administrator (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAWSServiceAccessForOrganization.html).
 */
async function ramSharing(orgs: ReturnType<typeof organizationsClient>, management: boolean): Promise<PreflightCheck> {
  const name = 'RAM sharing with the organization';
  try {
    const enabled = await enabledServicePrincipals(orgs);
    return enabled.includes('ram.amazonaws.com')
      ? { name, status: 'ok', detail: 'enabled: pointers are shared without invitations' }
      : {
          name,
          status: 'missing',
          detail:
            'not enabled: from the management account, run `aws ram enable-sharing-with-aws-organization` (once per organization)',
        };
  } catch (error) {
    return {
      name,
      status: 'not checked',
      detail: `${management ? '' : 'a member account may not list trusted services; '}${said(error)}. Ask the management account whether \`aws ram enable-sharing-with-aws-organization\` was run`,
    };
  }
}

async function bootstrap(region: string): Promise<PreflightCheck> {
  const name = 'CDK bootstrap';
  try {
    const out = await ssmClient(region).send(new GetParameterCommand({ Name: CDK_BOOTSTRAP_VERSION_PARAMETER }));
    return { name, status: 'ok', detail: `version ${out.Parameter?.Value} in ${region}` };
  } catch (error) {
    if (nameOf(error) === 'ParameterNotFound') {
      return {
        name,
        status: 'missing',
        detail: `${region} is not bootstrapped: \`npx sst deploy\` bootstraps it on the first deploy (CDKToolkit and SSTBootstrap stacks), or run \`npx cdk bootstrap aws://<account>/${region}\` first`,
      };
    }
    // The deploy reads it too (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html).
    return unreadable(name, `${CDK_BOOTSTRAP_VERSION_PARAMETER} in ${region}`, ['ssm:GetParameter'], error);
  }
}

/** What preflight holds the account to that only the stacks know (the CLI takes it from stacks/). */
export interface PreflightNeeds {
  /** The home Region's Lambda concurrency Goldsmith's reservations need (stacks/reserved-concurrency.ts). */
  accountConcurrency: number;
}

/**
 * Every prerequisite, in the order docs/deploy.md gives them. Later checks need the credentials to work. With a
 * `stage`, the release that stage runs is compared with this checkout's (a downgrade is missing), and the operator
 * steps the upgrade from it takes are checked (preflight-upgrade.ts; a pre-release needs `preRelease`). The SCP is
 * checked for `deployer` (`--deployer`), else for the role the credentials are a session of, else goldsmith-deployer,
 * and the caller against it (preflight-deployer.ts).
 */
export async function preflight(
  catalog: Catalog,
  region: string,
  needs: PreflightNeeds,
  options: {
    stage?: string;
    history?: CheckoutHistory;
    identity?: Pick<CheckoutIdentity, 'commit' | 'releases'>;
    preRelease?: boolean;
    /** `--deployer ROLE`: the role the deploy pipeline deploys as (cli/deployer-option.ts). */
    deployer?: string;
  } = {},
): Promise<PreflightCheck[]> {
  const { check, who } = await credentials(region);
  if (!who) return [check];
  const caller = callerOf(who.arn);
  const deployer = deployerOf(options.deployer, caller, DEFAULT_DEPLOYER);
  const org = await organizationChecks(catalog, who, region);
  const checks = [check, regionCheck(catalog, region), ...org.checks];
  const { standing } = org;
  // The per-Region and account reads do not depend on the organization: started at once.
  const regional = Promise.all([
    inspectorCheck(catalog, who.account),
    bootstrap(region),
    lambdaConcurrencyCheck(region, needs.accountConcurrency),
    imageBlockPublicAccessCheck(catalog),
  ]);
  if (standing) {
    checks.push(await delegationPolicyCheck(standing, region));
    checks.push(organizationEventsCheck(standing, catalog.organization.homeRegion));
  }
  // The channels against the real organization, read once, once this account may read its tree.
  let tree: Promise<OrgTree> | undefined;
  if (checks.some((c) => c.name === 'organization tree' && c.status === 'ok')) {
    tree = readOrganizationTree({ withTags: treeNeedsTags(catalog) });
    tree.catch(() => undefined);
    checks.push(await amiSharingQuotaCheck(catalog, () => tree as Promise<OrgTree>));
  }
  if (standing) {
    checks.push(...(await memberBaselineChecks(catalog, who.account, region)));
    const tolerance = await tree?.then((t) => baselineToleranceCheck(catalog, t)).catch(() => undefined);
    if (tolerance) checks.push(tolerance);
  }
  checks.push(iamCheck(catalog), ...factoryPrincipalChecks(catalog, who.account), ...(await regional));
  // Read once, for the SCP check and the upgrade's (a member account only: SCPs do not bind the management account).
  const scps = standing && standing.account !== standing.management ? attachedScps(standing, region) : undefined;
  scps?.catch(() => undefined);
  // The account's stacks in the home Region, read once (DescribeStacks, every page) for the SCP check's deployed
  // roles and stacks under the CDK execution role, the release check and the upgrade's.
  const home = catalog.organization.homeRegion;
  let all: Promise<Stack[]> | undefined;
  const allStacks = () => {
    all ??= accountStacks(home);
    all.catch(() => undefined);
    return all;
  };
  let stacks: Promise<StageStacks> | undefined;
  const readStacks = (stage: string, region: string) => {
    stacks ??= region === home ? allStacks().then((found) => stageStacksOf(stage, found)) : stageStacks(stage, region);
    return stacks;
  };
  // The stage's roles as deployed (a generated name may be trimmed), for the SCP check's own calls.
  const roles =
    standing && options.stage !== undefined
      ? Promise.all([
          deployedRoles(options.stage, home, readStacks(options.stage, home)),
          stacksWithExecRole(options.stage, home, allStacks()),
        ]).then(
          ([found, execRoleStacks]): RolesRead => ({ roles: found, execRoleStacks }),
          (error: unknown): RolesRead => ({ unknown: `their names could not be read: ${said(error)}` }),
        )
      : undefined;
  if (standing)
    checks.push(
      await inspectorAdministratorCheck(catalog, who.account),
      await inspectorMembersCheck(catalog, who.account, distributionRegions(catalog).ami),
      await serviceControlPolicyCheck(
        standing,
        region,
        options.stage,
        scps,
        roles,
        deployer,
        sinkSecretNames(catalog.notifications),
      ),
    );
  checks.push(
    await deployerCheck({
      caller,
      deployer,
      named: options.deployer !== undefined,
      stage: options.stage ?? 'prod',
      region,
      ...(standing ? { standing } : {}),
      ...(scps ? { scps } : {}),
    }),
  );
  checks.push(
    await releaseCheck(options.stage, catalog.organization.homeRegion, undefined, readStacks, options.history),
  );
  if (options.stage !== undefined)
    checks.push(
      ...(await upgradeChecks({
        stage: options.stage,
        preRelease: options.preRelease === true,
        readStacks,
        ...(options.identity ? { identity: options.identity } : {}),
        homeRegion: catalog.organization.homeRegion,
        region,
        ...(standing ? { standing } : {}),
        ...(scps ? { scps } : {}),
        deployer,
      })),
    );
  checks.push(...(await sinkSecretChecks(catalog, region, SINKS, options.stage)));
  // The stage's SBOM bucket name, which any account could take first (preflight-sbom-bucket.ts).
  if (options.stage !== undefined) checks.push(await sbomBucketCheck(options.stage, who.account, region));
  return checks;
}

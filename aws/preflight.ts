import { BatchGetAccountStatusCommand } from '@aws-sdk/client-inspector2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Catalog } from '../core/config/schema.js';
import { inspector2Client } from './clients/inspector2.js';
import { organizationsClient } from './clients/organizations.js';
import { secretsmanagerClient } from './clients/secretsmanager.js';
import { ssmClient } from './clients/ssm.js';
import { stsClient } from './clients/sts.js';
import { inspectorAdministratorCheck } from './preflight-inspector.js';
import { amiSharingQuotaCheck } from './preflight-quotas.js';
import { releaseCheck } from './preflight-release.js';
import { enabledServicePrincipals, memberBaselineChecks } from './preflight-stacksets.js';

/**
 * `goldsmith preflight`: what a deployment needs that the stacks cannot create, read with the caller's own
 * credentials. Every call is a read (Get, Describe, List); nothing is created or changed. docs/deploy.md explains
 * each prerequisite and cites AWS's pages.
 */

export type CheckStatus = 'ok' | 'missing' | 'not checked';
export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  /** What was found, or what is missing and how to fix it. */
  detail: string;
}

// The CDK bootstrap stack records its version here (default qualifier); deployments read it
// (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html).
export const CDK_BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

const nameOf = (error: unknown) => (error instanceof Error ? error.name : String(error));
const denied = (error: unknown) => /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(nameOf(error));
const said = (error: unknown) => `${nameOf(error)}: ${error instanceof Error ? error.message : ''}`.trim();

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
    return {
      check: {
        name: 'credentials',
        status: 'missing',
        detail: `no usable AWS credentials (${said(error)}): set AWS_PROFILE or sign in, then run again`,
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
async function organizationChecks(catalog: Catalog, who: Who, region: string): Promise<PreflightCheck[]> {
  const orgs = organizationsClient(region);
  let management: boolean;
  try {
    const { Organization } = await orgs.send(new DescribeOrganizationCommand({}));
    const id = Organization?.Id ?? '';
    if (id !== catalog.organization.id) {
      return [
        {
          name: 'organization',
          status: 'missing',
          detail: `account ${who.account} is in ${id}, the catalog names ${catalog.organization.id}: fix organization.id or deploy into an account of that organization`,
        },
      ];
    }
    management = Organization?.MasterAccountId === who.account;
  } catch (error) {
    return [
      {
        name: 'organization',
        status: 'missing',
        detail: `account ${who.account} cannot describe its organization (${said(error)}): deploy into an account of ${catalog.organization.id}`,
      },
    ];
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
  return checks;
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

/**
 * Inspector in the home Region, where Image Builder builds and tests: the test-instance scan Goldsmith's pipelines
 * ask for needs Inspector activated for EC2 in the account, and container images need it for ECR
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/integ-inspector.html;
 * the status: https://docs.aws.amazon.com/inspector/v2/APIReference/API_AccountState.html).
 */
async function inspector(catalog: Catalog, who: Who, region: string): Promise<PreflightCheck> {
  const name = 'Inspector';
  const needed = ['ec2', ...(Object.values(catalog.images).some((i) => i.kind === 'container') ? ['ecr'] : [])];
  try {
    const out = await inspector2Client(region).send(new BatchGetAccountStatusCommand({ accountIds: [who.account] }));
    const state = out.accounts?.find((a) => a.accountId === who.account)?.resourceState as
      | Record<string, { status?: string } | undefined>
      | undefined;
    const off = needed.filter((r) => state?.[r]?.status !== 'ENABLED');
    return off.length === 0
      ? { name, status: 'ok', detail: `scanning ${needed.join(' and ').toUpperCase()} in ${region}` }
      : {
          name,
          status: 'missing',
          detail: `not scanning ${off.join(' and ').toUpperCase()} in ${region}: run \`aws inspector2 enable --resource-types ${off.map((r) => r.toUpperCase()).join(' ')} --region ${region}\``,
        };
  } catch (error) {
    return { name, status: 'not checked', detail: said(error) };
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
    return { name, status: 'not checked', detail: said(error) };
  }
}

async function slackSecret(catalog: Catalog, region: string): Promise<PreflightCheck | undefined> {
  const slack = catalog.notifications.slack;
  if (!slack) return undefined;
  const name = 'Slack secret';
  try {
    await secretsmanagerClient(region).send(new DescribeSecretCommand({ SecretId: slack.secretName }));
    return { name, status: 'ok', detail: `${slack.secretName} exists in ${region}` };
  } catch (error) {
    return nameOf(error) === 'ResourceNotFoundException'
      ? {
          name,
          status: 'missing',
          detail: `no secret ${slack.secretName} in ${region}: create it with {"botToken":"xoxb-…","signingSecret":"…"} (docs/deploy.md, "Secrets")`,
        }
      : { name, status: 'not checked', detail: said(error) };
  }
}

/**
 * Every prerequisite, in the order docs/deploy.md gives them. Later checks need the credentials to work. With a
 * `stage`, the release that stage runs is compared with this checkout's (a downgrade is missing).
 */
export async function preflight(
  catalog: Catalog,
  region: string,
  options: { stage?: string } = {},
): Promise<PreflightCheck[]> {
  const { check, who } = await credentials(region);
  if (!who) return [check];
  const checks = [check, regionCheck(catalog, region), ...(await organizationChecks(catalog, who, region))];
  // The channels against the real organization, once this account may read its tree.
  if (checks.some((c) => c.name === 'organization tree' && c.status === 'ok'))
    checks.push(await amiSharingQuotaCheck(catalog));
  if (checks.some((c) => c.name === 'organization' && c.status === 'ok')) {
    checks.push(...(await memberBaselineChecks(catalog, who.account, region)));
    checks.push(await inspectorAdministratorCheck(catalog, who.account));
  }
  checks.push(await inspector(catalog, who, region), await bootstrap(region));
  checks.push(await releaseCheck(options.stage, catalog.organization.homeRegion));
  const slack = await slackSecret(catalog, region);
  if (slack) checks.push(slack);
  checks.push({
    name: 'IAM',
    status: 'not checked',
    detail:
      'the Image Builder service-linked role and the principals named in access must exist: `aws iam get-role --role-name AWSServiceRoleForImageBuilder` (create it with `aws iam create-service-linked-role --aws-service-name imagebuilder.amazonaws.com`)',
  });
  return checks;
}

import { type WantedRule, wantedRuleFrom } from '../../core/audit/rules.js';
import type { Catalog } from '../../core/config/schema.js';
import { sinkSecretVariables } from '../../core/notifications/sinks.js';
import { watchedParameters } from '../../core/triggers/affected.js';
import { MANAGED_BY_TAG } from '../../stacks/factory/tags.js';
import {
  channelParameterName,
  containerRepositoryName,
  NAME_PREFIX,
  pipelineName,
  pointerShareName,
  rolloutEngineRoleName,
} from '../../stacks/names.js';
import { SECRET_ARN_SUFFIX, type SimulatedRequest } from './role-simulation.js';

/**
 * The requests a function's AWS call stands for, with the resources it addresses at run time: names from the
 * function's environment (as a deploy resolves it) and the catalog's images, regions and channels. Where the
 * exact resource only exists at run time (an AMI id, a build version), a representative ARN of the right shape
 * is used; the policy must allow every resource of that shape.
 */

export interface CallSite {
  /** The function's environment variables, resolved. */
  env: Readonly<Record<string, string>>;
  catalog: Catalog;
  region: string;
  account: string;
}

/** An AMI id of the right shape: the real ones are only known once Image Builder has built them. */
const SAMPLE_AMI = 'ami-0123456789abcdef0';
const SAMPLE_SNAPSHOT = 'snap-0123456789abcdef0';

/** The findings-forwarding rule the function's environment names (`FINDING_FORWARDING`, functions/audit/rules.ts). */
function forwardingOf(site: CallSite, action: string): WantedRule {
  const wanted = wantedRuleFrom(required(site, action, 'FINDING_FORWARDING'));
  if (!wanted) throw new Error(`${action}: FINDING_FORWARDING names no rule`);
  return wanted;
}

function required(site: CallSite, action: string, variable: string): string {
  const value = site.env[variable];
  if (!value) throw new Error(`${action}: the function's environment has no ${variable} to address the resource`);
  return value;
}

/**
 * The environment variables that name a secret a function reads (aws/promotion/approval-secret.ts; each notification
 * sink's secret, core/notifications/sinks.ts).
 */
const SECRET_VARIABLES = [
  'APPROVAL_SECRET_NAME',
  'DECISION_SECRET_NAME',
  'TASK_TOKEN_SECRET_NAME',
  ...sinkSecretVariables(),
];

/** A comma-separated list the function's environment holds. */
function listed(site: CallSite, action: string, variable: string): string[] {
  return required(site, action, variable)
    .split(',')
    .filter((v) => v.length > 0);
}

/** A list written as its entries' shared prefix once and their names (stacks/monitoring/redrive.ts). */
function prefixed(site: CallSite, action: string, list: string): string[] {
  const prefix = required(site, action, `${list}_PREFIX`);
  return listed(site, action, `${list}S`).map((name) => `${prefix}${name}`);
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function queueArnOf(url: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/(.+)$/.exec(url);
  if (!match) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:aws:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

/** Every image × region of the catalog. */
function imageRegions(catalog: Catalog): [string, string][] {
  return Object.entries(catalog.images).flatMap(([image, spec]) =>
    spec.regions.map((r): [string, string] => [image, r]),
  );
}

/** Every channel pointer of every image in every Region. */
function channelPointerArns(catalog: Catalog, account: string): string[] {
  return imageRegions(catalog).flatMap(([image, r]) =>
    catalog.channels.map((c) => `arn:aws:ssm:${r}:${account}:parameter${channelParameterName(image, c.name)}`),
  );
}

/** The tags every AMI Goldsmith's distributions create carries (stacks/factory/distribution.ts, `AmiTags`). */
const GOLDSMITH_AMI = { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: NAME_PREFIX };

/**
 * The requests to simulate for `action` made from `site`, or `undefined` when this module does not know what the
 * action addresses (add it here rather than guessing).
 */
export function requestsFor(action: string, site: CallSite): SimulatedRequest[] | undefined {
  const { catalog, region, account } = site;
  const images = Object.keys(catalog.images);
  const one = (resource: string, context?: SimulatedRequest['context']) => [
    { action, resource, ...(context && { context }) },
  ];
  const [service] = action.split(':');
  if (service === 'dynamodb') {
    return one(`arn:aws:dynamodb:${region}:${account}:table/${required(site, action, 'LEDGER_TABLE')}`);
  }
  switch (action) {
    case 'imagebuilder:StartImagePipelineExecution':
    case 'imagebuilder:ListImagePipelineImages': {
      const prefix = required(site, action, 'PIPELINE_ARN_PREFIX');
      return images.flatMap((image) => one(`${prefix}${image}`));
    }
    // A build version ARN: image/<recipe name>/<version>/<build>; recipe names are the pipeline name plus a hash.
    case 'imagebuilder:GetImage':
    case 'imagebuilder:DeleteImage':
    case 'imagebuilder:ListImageScanFindings':
    case 'imagebuilder:ListImagePackages':
      return images.flatMap((image) =>
        one(`arn:aws:imagebuilder:${region}:${account}:image/${pipelineName(image)}-0a1b2c3d/1.0.0/1`),
      );
    // An AWS-managed component (owner `aws`), in the form of IAM's component resource type
    // (component/<name>/<version>/<build>); the request names its version filter (`x.x.x`), which the grant's
    // `component/*` covers as well.
    case 'imagebuilder:GetComponent':
      return one(`arn:aws:imagebuilder:${region}:aws:component/update-linux/1.0.2/1`);
    // A version's SBOM documents: sbom/<image>/<version with '/' as '-'>/<file> in the SBOM bucket.
    case 's3:GetObject':
    case 's3:PutObject':
    case 's3:DeleteObject': {
      const bucket = required(site, action, 'SBOM_BUCKET');
      return images.flatMap((image) => one(`arn:aws:s3:::${bucket}/sbom/${image}/1.0.0-1/cyclonedx.json`));
    }
    // Public parameters are AWS's: their ARNs carry no account.
    case 'ssm:GetParameters':
      // The holdings auditor reads the channel pointers (it alone hands revocations to on-lifecycle-request)...
      if (
        site.env.REVOCATION_TARGET_ARN &&
        site.env.REVOCATION_SCHEDULE_GROUP &&
        !site.env.REVOCATION_SCHEDULER_ROLE_ARN
      ) {
        return channelPointerArns(catalog, account).flatMap((arn) => one(arn));
      }
      // ...the base-image watcher the public parameters it watches.
      return watchedParameters(catalog).flatMap((p) =>
        one(`arn:aws:ssm:${catalog.organization.homeRegion}::parameter${p}`),
      );
    case 'ssm:PutParameter':
    case 'ssm:GetParameter':
      // The functions' audit (its stage, no doors' policies) reads one function's expected properties on its own.
      if (site.env.GOLDSMITH_STAGE !== undefined && site.env.EXPECTED_POLICIES === undefined) {
        return one(
          `arn:aws:ssm:${region}:${account}:parameter/goldsmith/_functions/${site.env.GOLDSMITH_STAGE}/PromotionPublishA1B2C3D4`,
        );
      }
      return channelPointerArns(catalog, account).flatMap((arn) => one(arn));
    case 'ssm:DeleteParameter':
    // The audit reads, and takes off, the resource policies on the shared channel pointers.
    case 'ssm:GetResourcePolicies':
    case 'ssm:DeleteResourcePolicy':
      return channelPointerArns(catalog, account).flatMap((arn) => one(arn));
    case 'ec2:CreateTags':
      return imageRegions(catalog).flatMap(([, r]) =>
        catalog.channels.flatMap((c) =>
          one(`arn:aws:ec2:${r}::image/${SAMPLE_AMI}`, {
            'aws:TagKeys': [`${NAME_PREFIX}:channel:${c.name}`],
            ...GOLDSMITH_AMI,
          }),
        ),
      );
    case 'ec2:ModifyImageAttribute':
    case 'ec2:DescribeImageAttribute':
      return imageRegions(catalog).flatMap(([, r]) => one(`arn:aws:ec2:${r}::image/${SAMPLE_AMI}`, GOLDSMITH_AMI));
    // The AMI's backing snapshots; snapshot ARNs, like AMI ARNs, carry no account.
    case 'ec2:ModifySnapshotAttribute':
    case 'ec2:DescribeSnapshotAttribute':
      return imageRegions(catalog).flatMap(([, r]) => one(`arn:aws:ec2:${r}::snapshot/${SAMPLE_SNAPSHOT}`));
    // Organizations: the management account's id is not in the catalog, so any account, this organization only.
    case 'organizations:ListOrganizationalUnitsForParent':
    case 'organizations:ListAccountsForParent':
      return [
        ...one(`arn:aws:organizations::999988887777:root/${catalog.organization.id}/r-ab12`),
        ...one(`arn:aws:organizations::999988887777:ou/${catalog.organization.id}/ou-ab12-00000001`),
      ];
    case 'organizations:ListTagsForResource':
    case 'organizations:DescribeAccount':
      return one(`arn:aws:organizations::999988887777:account/${catalog.organization.id}/123456789012`);
    // organization-sync reads back the account or OU an Organizations event names; the rollout engine, a moved account's OU.
    case 'organizations:ListParents':
      return [
        ...one(`arn:aws:organizations::999988887777:account/${catalog.organization.id}/123456789012`),
        ...one(`arn:aws:organizations::999988887777:ou/${catalog.organization.id}/ou-ab12-00000001`),
      ];
    case 'organizations:DescribeOrganizationalUnit':
      return one(`arn:aws:organizations::999988887777:ou/${catalog.organization.id}/ou-ab12-00000001`);
    case 'ecr:GetRepositoryPolicy':
    case 'ecr:SetRepositoryPolicy':
    case 'ecr:DeleteRepositoryPolicy':
    case 'ecr:BatchGetImage':
    case 'ecr:PutImage':
      return Object.entries(catalog.images)
        .filter(([, spec]) => spec.kind === 'container')
        .flatMap(([image, spec]) =>
          spec.regions.flatMap((r) =>
            one(`arn:aws:ecr:${r}:${account}:repository/${containerRepositoryName(image, spec.repository)}`),
          ),
        );
    // The channel pointers' RAM shares: created tagged and closed to outsiders, changed by name (aws/sharing/ram.ts).
    case 'ram:CreateResourceShare':
      return one('*', {
        'aws:RequestTag/goldsmith:purpose': 'channel-pointers',
        'aws:TagKeys': ['goldsmith:purpose'],
        'ram:RequestedAllowsExternalPrincipals': 'false',
      });
    case 'ram:AssociateResourceShare':
    case 'ram:DisassociateResourceShare':
      return imageRegions(catalog).flatMap(([, r]) =>
        catalog.channels.flatMap((c) =>
          one(`arn:aws:ram:${r}:${account}:resource-share/0a1b2c3d-example`, {
            'ram:ResourceShareName': pointerShareName(c.name),
          }),
        ),
      );
    case 'ec2:CreateImageUsageReport':
      return imageRegions(catalog).flatMap(([, r]) => [
        ...one(`arn:aws:ec2:${r}::image/${SAMPLE_AMI}`),
        ...one(`arn:aws:ec2:${r}:${account}:image-usage-report/amiur-0123456789abcdef0`),
      ]);
    case 'ec2:DescribeImageUsageReports':
    case 'ec2:DescribeImageUsageReportEntries':
      return one('*');
    case 'ec2:EnableImageDeprecation':
    case 'ec2:DisableImageDeprecation':
    case 'ec2:DeregisterImage':
      return imageRegions(catalog).flatMap(([, r]) => one(`arn:aws:ec2:${r}::image/${SAMPLE_AMI}`, GOLDSMITH_AMI));
    case 'ram:GetResourceShares':
    case 'ram:GetResourceShareAssociations':
    case 'ram:ListResources':
    case 'ec2:DescribeImages':
    // The roles' audit's daily read of every role at once (aws/audit/roles.ts readRoles): no resource type.
    case 'iam:GetAccountAuthorizationDetails':
    // The daily read of CloudTrail's event history (aws/audit/event-history.ts): no resource type.
    case 'cloudtrail:LookupEvents':
    case 'organizations:DescribeOrganization':
    case 'organizations:ListRoots':
    case 'states:SendTaskSuccess':
    case 'states:SendTaskFailure':
    case 'states:SendTaskHeartbeat':
      return one('*');
    // The re-drive: the dead-letter queues and the functions its environment names (comma-separated lists).
    case 'sqs:ReceiveMessage':
    case 'sqs:ChangeMessageVisibility':
    case 'sqs:DeleteMessage':
      return prefixed(site, action, 'DEAD_LETTER_QUEUE').flatMap((url) => one(queueArnOf(url)));
    // The re-drive's targets, or the holdings auditor handing an overdue revocation to on-lifecycle-request.
    case 'lambda:InvokeFunction':
      // The event history's read hands calls to the two auditors that read them back (functions/audit-history.ts).
      if (site.env.AUDIT_HOLDINGS_ARN)
        return [required(site, action, 'AUDIT_HOLDINGS_ARN'), required(site, action, 'AUDIT_FUNCTIONS_ARN')].flatMap(
          (arn) => one(arn),
        );
      if (site.env.REVOCATION_TARGET_ARN && !site.env.REDRIVE_TARGETS) return one(site.env.REVOCATION_TARGET_ARN);
      return prefixed(site, action, 'REDRIVE_TARGET').flatMap((arn) => one(arn));
    case 'events:PutEvents':
      return one(`arn:aws:events:${region}:${account}:event-bus/${required(site, action, 'EVENT_BUS_NAME')}`);
    // The audit's daily read lists each Region's forwarding rules: ListRules names no resource type (Service
    // Authorization Reference for EventBridge), so IAM authorizes it on `*`.
    case 'events:ListRules':
      return site.env.FINDING_FORWARDING ? one('*') : [];
    // The audit's read-back and repair of the findings-forwarding rule, in each Region its environment names.
    case 'events:DescribeRule':
    case 'events:ListTargetsByRule':
    case 'events:EnableRule':
    case 'events:PutRule':
    case 'events:PutTargets':
    case 'events:RemoveTargets': {
      // A catalog distributed to its home Region only has no forwarding rule, and the audit reads none.
      if (!site.env.FINDING_FORWARDING) return [];
      const wanted = forwardingOf(site, action);
      return wanted.regions.flatMap((r) => one(`arn:aws:events:${r}:${account}:rule/${wanted.name}`));
    }
    // The audit of resource policies (its environment names EXPECTED_POLICIES): the path its stage's expected policies
    // are under, then each door's policy, a topic or queue named `goldsmith-<stage>-…` or by CloudFormation after its
    // stack (`<stage>-goldsmith-<Stack>-…`).
    // The functions' audit: the path of its stage's expected functions, then each function, named by CloudFormation
    // after its stack (`<stage>-goldsmith-<Stack>-…`).
    // The roles' audit in the same function: its stage's recorded roles, then each role.
    case 'ssm:GetParametersByPath': {
      const stage = required(site, action, 'GOLDSMITH_STAGE');
      // The policies' auditor reads its records; the event history's read the functions' (which are Goldsmith's); the
      // functions' auditor the functions' and the roles'.
      const under =
        site.env.EXPECTED_POLICIES !== undefined
          ? ['_policies']
          : site.env.AUDIT_FUNCTIONS_ARN !== undefined
            ? ['_functions']
            : ['_functions', '_roles'];
      return under.flatMap((u) => one(`arn:aws:ssm:${region}:${account}:parameter/goldsmith/${u}/${stage}`));
    }
    // A role CloudFormation names after its stack and one Goldsmith names itself (core/names.ts).
    case 'iam:GetRole':
    case 'iam:ListRolePolicies':
    case 'iam:GetRolePolicy':
    case 'iam:ListAttachedRolePolicies': {
      const stage = required(site, action, 'GOLDSMITH_STAGE');
      return [
        ...one(`arn:aws:iam::${account}:role/${stage}-${NAME_PREFIX}-Promotion-PromotionPublishServiceRole-A1B2C3D4`),
        ...one(`arn:aws:iam::${account}:role/${rolloutEngineRoleName(stage)}`),
      ];
    }
    case 'cloudformation:DescribeStackEvents': {
      const stage = required(site, action, 'GOLDSMITH_STAGE');
      return one(
        `arn:aws:cloudformation:${region}:${account}:stack/${stage}-${NAME_PREFIX}-Promotion/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
      );
    }
    case 'lambda:GetFunction':
    case 'lambda:PutFunctionConcurrency': {
      const stage = required(site, action, 'GOLDSMITH_STAGE');
      return one(
        `arn:aws:lambda:${region}:${account}:function:${stage}-${NAME_PREFIX}-Promotion-PromotionPublish-A1B2C3D4E5F6`,
      );
    }
    // Goldsmith's own bus, `goldsmith-<stage>` (stacks/Promotion.ts goldsmithBusName); PutPermission names no resource
    // type, so IAM authorizes it on `*`.
    case 'events:PutPermission':
      return one('*');
    case 'events:DescribeEventBus':
      return one(
        `arn:aws:events:${region}:${account}:event-bus/goldsmith-${required(site, action, 'GOLDSMITH_STAGE')}`,
      );
    case 'sns:GetTopicAttributes':
    case 'sns:SetTopicAttributes':
    case 'sqs:GetQueueAttributes':
    case 'sqs:SetQueueAttributes': {
      const stage = required(site, action, 'GOLDSMITH_STAGE');
      const service = action.split(':')[0];
      return [
        `${NAME_PREFIX}-${stage}-notifications`,
        `${stage}-${NAME_PREFIX}-Monitoring-HealthDlq-A1B2C3D4E5F6`,
      ].flatMap((name) => one(`arn:aws:${service}:${region}:${account}:${name}`));
    }
    case 'sns:Publish':
      return one(required(site, action, 'NOTIFY_TOPIC_ARN'));
    // The AMI key grants auditor: the key in every Region it is replicated to (one key id, functions/key-grants.ts).
    case 'kms:ListGrants':
    case 'kms:RevokeGrant': {
      const keyArn = required(site, action, 'AMI_KEY_ARN');
      return listed(site, action, 'AMI_KEY_REGIONS').flatMap((r) =>
        one(keyArn.replace(/^(arn:[^:]+:kms:)[^:]+:/, `$1${r}:`)),
      );
    }
    // The doors' auditor: each topic's subscriptions listed and subscribed again on the topic; the account's listing
    // and a subscription's own calls take no resource type (Service Authorization Reference for SNS), so IAM
    // authorizes them on `*`.
    case 'sns:ListSubscriptionsByTopic':
    case 'sns:Subscribe':
      return ['NOTIFY_TOPIC_ARN', 'APPROVAL_TOPIC_ARN'].flatMap((v) => one(required(site, action, v)));
    case 'sns:ListSubscriptions':
    case 'sns:GetSubscriptionAttributes':
    case 'sns:SetSubscriptionAttributes':
    case 'sns:Unsubscribe':
      return one('*');
    case 'states:StartExecution':
      // Publish starts a Rollout execution, and only when a channel rolls out (its environment then names it). The
      // reconciler's environment names both machines: it starts promotions and only reads Rollout executions.
      if (site.env.ROLLOUT_STATE_MACHINE_ARN && !site.env.STATE_MACHINE_ARN)
        return one(site.env.ROLLOUT_STATE_MACHINE_ARN);
      if (!site.env.STATE_MACHINE_ARN && catalog.channels.every((c) => c.rollout === undefined)) return [];
      return one(required(site, action, 'STATE_MACHINE_ARN'));
    // A retried Publish reads back the Rollout execution of its name, the reconciler that of each open rollout.
    case 'states:DescribeExecution':
      if (catalog.channels.every((c) => c.rollout === undefined)) return [];
      return one(`${required(site, action, 'ROLLOUT_STATE_MACHINE_ARN').replace(':stateMachine:', ':execution:')}:x`);
    // on-finding reads findings with its own role when the factory is Inspector's delegated administrator, else with
    // the administrator's findings role (aws/lifecycle/inspector-findings.ts), granted in that account.
    // Inspector's SBOM exports: no resource-level permissions
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html).
    case 'inspector2:CreateSbomExport':
    case 'inspector2:GetSbomExport':
      return one('*');
    // The SBOM export poller (its environment names the export key) lists what Inspector wrote under the version's
    // prefix (inspector/<image>/<version>/); the lifecycle sweep lists a deleted version's SBOMs (sbom/<image>/<version>/).
    case 's3:ListBucket': {
      const bucket = required(site, action, 'SBOM_BUCKET');
      const root = site.env.SBOM_EXPORT_KEY_ARN ? 'inspector' : 'sbom';
      return images.flatMap((image) => one(`arn:aws:s3:::${bucket}`, { 's3:prefix': `${root}/${image}/1.0.0-1/` }));
    }
    case 'inspector2:ListFindings':
      return site.env.INSPECTOR_FINDINGS_ROLE_ARN ? [] : one('*');
    // The rollout engine assumes the member accounts' rollout role, in the organization only. on-finding assumes the
    // Inspector administrator's findings role when its environment names one; without it the code assumes nothing
    // (aws/lifecycle/inspector-findings.ts `findingsReader`).
    case 'sts:AssumeRole':
      if (site.env.INSPECTOR_FINDINGS_ROLE_ARN) return one(site.env.INSPECTOR_FINDINGS_ROLE_ARN);
      if (site.env.ROLLOUT_ROLE_NAME) {
        // The plain name, and a stack instance's (aws/rollout/member-baseline-roles.ts) when the baseline deploys a StackSet.
        const names = [site.env.ROLLOUT_ROLE_NAME];
        if (site.env.MEMBER_BASELINE_STACK_SET) names.push(`${site.env.ROLLOUT_ROLE_NAME}-1a2b3c4d`);
        return names.flatMap((name) =>
          one(`arn:aws:iam::123456789012:role/${name}`, { 'aws:ResourceOrgID': catalog.organization.id }),
        );
      }
      return [];
    // The rollout engine lists the member baseline's stack instances of an account (aws/rollout/member-baseline-roles.ts);
    // so does the grants auditor before revoking, only when its environment names the StackSet (aws/audit/grant-holder.ts).
    case 'cloudformation:ListStackInstances':
      if (site.env.AMI_KEY_ARN && !site.env.MEMBER_BASELINE_STACK_SET) return [];
      return one(
        `arn:aws:cloudformation:${region}:${account}:stackset/${required(site, action, 'MEMBER_BASELINE_STACK_SET')}:0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d`,
      );
    // Made with the member rollout role's credentials, not the function's role: the member baseline's role grants
    // them (core/rollout/member-role.ts, asserted by test/stacks/member-baseline-rollout.test.ts).
    case 'autoscaling:DescribeAutoScalingGroups':
    case 'autoscaling:DescribeInstanceRefreshes':
    case 'autoscaling:StartInstanceRefresh':
    case 'autoscaling:CancelInstanceRefresh':
    case 'autoscaling:RollbackInstanceRefresh':
    case 'ec2:DescribeLaunchTemplates':
    case 'ec2:DescribeLaunchTemplateVersions':
    case 'ec2:CreateLaunchTemplateVersion':
    case 'cloudwatch:DescribeAlarms':
      if (site.env.ROLLOUT_ROLE_NAME) return [];
      return undefined;
    // The re-drive's follow-up looks: schedules of its own group (one per queue and minute), and its one role.
    case 'scheduler:CreateSchedule':
    case 'scheduler:GetSchedule':
    case 'scheduler:DeleteSchedule':
      if (site.env.REDRIVE_SCHEDULE_GROUP) {
        return one(
          `arn:aws:scheduler:${region}:${account}:schedule/${site.env.REDRIVE_SCHEDULE_GROUP}/redrive-0123456789abcdef-202701140300`,
        );
      }
      // Scheduled revocations: schedules of Goldsmith's revocation group, and the one role they may pass.
      return one(
        `arn:aws:scheduler:${region}:${account}:schedule/${required(site, action, 'REVOCATION_SCHEDULE_GROUP')}/${images[0] ?? 'base'}_1.0.0_1`,
      );
    case 'iam:PassRole':
      // The audit's PutTargets passes the forwarding role (none without a forwarding rule); the schedulers' roles
      // are passed only by the functions whose environment names them.
      if (!site.env.REDRIVE_SCHEDULER_ROLE_ARN && !site.env.REVOCATION_SCHEDULER_ROLE_ARN) {
        if (!site.env.FINDING_FORWARDING) return [];
        return one(forwardingOf(site, action).target.roleArn ?? '', { 'iam:PassedToService': 'events.amazonaws.com' });
      }
      return one(site.env.REDRIVE_SCHEDULER_ROLE_ARN ?? required(site, action, 'REVOCATION_SCHEDULER_ROLE_ARN'), {
        'iam:PassedToService': 'scheduler.amazonaws.com',
      });
    case 'secretsmanager:PutSecretValue':
      // aws/promotion/rotate-secret.ts: the operator endpoint's rotation puts a value into each signing key it names.
      return listed(site, action, 'SIGNING_SECRET_NAMES').map((name) => ({
        action,
        resource: `arn:aws:secretsmanager:${region}:${account}:secret:${name}${SECRET_ARN_SUFFIX}`,
      }));
    case 'secretsmanager:GetSecretValue': {
      // aws/promotion/approval-secret.ts reads the approval links' key and the decision-proof key through one call site, the
      // Slack secret another, the webhooks' several (a comma-separated list): each secret the function's environment
      // names is one it may read.
      const names = SECRET_VARIABLES.flatMap((v) => (site.env[v] ?? '').split(',')).filter((n) => n.length > 0);
      if (names.length === 0) required(site, action, SECRET_VARIABLES.join(' or '));
      return names.map((name) => ({
        action,
        resource: `arn:aws:secretsmanager:${region}:${account}:secret:${name}${SECRET_ARN_SUFFIX}`,
      }));
    }
    default:
      return undefined;
  }
}

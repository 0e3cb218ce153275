import { SINK_FIELD_MEANINGS } from '../../core/notifications/sink-schemas.js';

/**
 * What each catalog field means, by the path docs/catalog.md's generated table uses. Types, defaults and
 * constraints come from the schema itself (catalog-reference.ts); `npm run schemas` refuses a field of the schema
 * missing here, or a path here the schema no longer has.
 */
export const CATALOG_FIELDS: Record<string, string> = {
  organization: 'The AWS Organization the factory serves.',
  'organization.id':
    'The organization id (`o-…`). The AMI key policy and the bus policy trust its principals (`aws:PrincipalOrgID`).',
  'organization.homeRegion': 'The Region the stacks deploy to (the factory’s home).',
  'organization.memberBaseline':
    'The member baseline: a service-managed StackSet on the channels’ OUs that gives each member account’s Auto Scaling role its grant on the AMI key in every AMI Region (docs/deploy.md).',
  'organization.memberBaseline.enabled':
    'Deploy the member baseline (off: members run the grant by hand, docs/consumers.md).',
  'organization.memberBaseline.callAs':
    '`DELEGATED_ADMIN` when the factory account is a StackSets delegated administrator, `SELF` when it is the management account.',
  'organization.inspectorAdministrator':
    'Amazon Inspector’s delegated administrator, when it is another account than the factory (a security account): on-finding reads findings back through the role `goldsmith-<stage>-inspector-findings` that account deploys (docs/deploy.md). Absent: the factory account is the delegated administrator.',
  images: 'The golden images, by name (lower-case letters, digits and dashes, starting with a letter).',
  'images.<name>.kind': '`ami`, or `container` (needs `repository` and a `docker:` or image ARN parent).',
  'images.<name>.description': 'Shown on the Image Builder recipe.',
  'images.<name>.platform':
    'The operating system, the parent’s (Image Builder’s recipe platform): default what the parent’s name says (Amazon Linux, Windows Server, Ubuntu parameters and images) or the parent image’s; required for an AMI whose parent says nothing (`ami-…`). A container image without one is Linux.',
  'images.<name>.architecture':
    'The processor architecture, the parent’s: default what the parent’s name says (`…-x86_64`, `…-arm64`) or the parent image’s; required for an AMI whose parent says nothing. Every instance type must run it.',
  'images.<name>.version':
    'The recipe’s semantic version. Image Builder numbers each build of it `x.y.z/n`: that is the image version everywhere.',
  'images.<name>.parent':
    '`ssm:/public/parameter` (e.g. an Amazon Linux parameter), `ami-…`, an Image Builder image ARN, `docker:repo:tag`, or `{ image, channel }`.',
  'images.<name>.parent.image':
    'Lineage: another catalog image whose channel pointer this image builds on. Its promotion to that channel rebuilds this image; a parent version rejected for a channel holds the versions built on it there (below the table).',
  'images.<name>.parent.channel': 'The parent’s channel this image follows.',
  'images.<name>.components':
    'Build components, in order: AWS-managed by name, or AWSTOE YAML files of this repository.',
  'images.<name>.components[].managed': 'An Amazon-managed component, e.g. `update-linux`.',
  'images.<name>.components[].version': 'The managed component’s version filter, e.g. `1.0.x` (default: the newest).',
  'images.<name>.components[].file':
    'An AWSTOE document, relative to the catalog (e.g. `components/base-agents.yml`), checked when the catalog loads.',
  'images.<name>.components[].parameters': 'Values for the document’s parameters.',
  'images.<name>.tests': 'Test components, run by Image Builder after the build; same forms as `components`.',
  'images.<name>.tests[].managed': 'An Amazon-managed test component, e.g. `reboot-linux`.',
  'images.<name>.tests[].version': 'The managed test component’s version filter.',
  'images.<name>.tests[].file': 'An AWSTOE test document, relative to the catalog.',
  'images.<name>.tests[].parameters': 'Values for the document’s parameters.',
  'images.<name>.instanceTypes':
    'Build and test instance types, all of the image’s architecture (the first prices the cost estimate).',
  'images.<name>.regions': 'Distribution Regions. A child image’s Regions must be within its parent’s.',
  'images.<name>.schedule':
    'When to build without a trigger: the monthly patch window (N days after Patch Tuesday) or a cron expression.',
  'images.<name>.schedule.type': '`monthly-patch` or `cron`.',
  'images.<name>.schedule.daysAfterPatchTuesday': '`monthly-patch`: days after the second Tuesday of the month.',
  'images.<name>.schedule.at':
    '`monthly-patch`: local time of day, `HH:MM`. A time that a daylight-saving change skips or repeats on a build day (Patch Tuesday + `daysAfterPatchTuesday`) is refused, with the date.',
  'images.<name>.schedule.timezone': 'An IANA time zone, e.g. `Europe/London`.',
  'images.<name>.schedule.expression': '`cron`: an EventBridge Scheduler `cron(…)` expression.',
  'images.<name>.triggers': 'What else starts a build.',
  'images.<name>.triggers.baseImage': 'Follow the `ssm:` parent’s releases: a new base AMI rebuilds the image.',
  'images.<name>.triggers.packages':
    'Package names whose releases (CodeArtifact, or CI’s "Package Update") rebuild the image.',
  'images.<name>.retention': 'How long builds stay launchable and stored.',
  'images.<name>.retention.keep': 'Promoted versions kept launchable per channel.',
  'images.<name>.retention.deprecateAfter':
    'AMIs only, at most `3650d`: each AMI of a build gets an EC2 deprecation time this long after the build was created (hidden from DescribeImages listings, still launchable by id). A retirement or revocation deprecates at once.',
  'images.<name>.retention.deleteAfter':
    'How long a retired or revoked version stays (deprecated, unshared) before its AMIs and snapshots are deleted in every Region and its Image Builder image deleted.',
  'images.<name>.retention.holdInUseFor':
    'How long a version still in use by member accounts is kept (deprecated, deletion held) before an operator is asked to release it (default 30 days).',
  'images.<name>.retention.unpromotedGrace': 'The same for builds never promoted (failed, rejected, expired, aborted).',
  'images.<name>.revocation': 'What revoking a version does to the versions built on it (recorded lineage).',
  'images.<name>.revocation.descendants':
    '`rebuild`: the versions built on it, at any depth, are flagged, held and rebuilt on the rolled-back parent; `revoke`: they are revoked too, at any depth, before that rebuild (below the table).',
  'images.<name>.channels': 'The channels this image goes through, in order (default: all of them).',
  'images.<name>.repository': 'Containers: the ECR repository name the factory creates and pushes to.',
  channels: 'The channels, in promotion order (e.g. dev → staging → prod).',
  'channels[].name': 'The channel’s name; pointers are `/goldsmith/<image>/<channel>`.',
  'channels[].targets':
    'Who may use what this channel promotes. RAM cannot exclude an account inside a shared OU nor select by tag: see docs/consumers.md.',
  'channels[].targets.organization': 'The whole organization.',
  'channels[].targets.ous': 'Organizational units (`ou-…`), nested OUs included.',
  'channels[].targets.accounts': '12-digit account ids.',
  'channels[].targets.accountTags': 'Accounts whose Organizations tags match all of these (key → value).',
  'channels[].targets.exclude': 'OUs and accounts left out of the targets above.',
  'channels[].targets.exclude.ous': 'OUs to leave out.',
  'channels[].targets.exclude.accounts': 'Accounts to leave out.',
  'channels[].targets.allowCopy':
    'Also share the AMIs’ snapshots (create-volume permission), so targets can copy the AMI, not only launch it.',
  'channels[].approval': 'Manual approval before this channel (a signed link, a Slack button or `goldsmith approve`).',
  'channels[].approval.approvers':
    'Approver names; `access.approvers`, `notifications.approvers` and `notifications.slack.approvers` map them, and each must be mapped by at least one. Any one of them decides (the first decision is final): there is no all-of or four-eyes rule.',
  'channels[].approval.timeout': 'How long a request waits before it expires (at most a year).',
  'channels[].soak': 'How long a version waits in this channel before it is promoted (e.g. `30m`, `12h`, `3d`, `2w`).',
  'channels[].vulnerabilities': 'The findings policy this channel’s gate applies to Inspector’s scan of the build.',
  'channels[].vulnerabilities.maxCritical': 'Most critical findings allowed.',
  'channels[].vulnerabilities.maxHigh': 'Most high findings allowed.',
  'channels[].vulnerabilities.maxMedium': 'Most medium findings allowed (default: not checked).',
  'channels[].vulnerabilities.revokeOn':
    'Severities whose new finding on a version promoted to this channel revokes it at once.',
  'channels[].rollout':
    'Refresh the member Auto Scaling groups tagged `goldsmith:follow` = `<image>/<channel>` to each version promoted here, wave after wave (absent: no rollout).',
  'channels[].rollout.waves':
    'The waves, in order (the first is the canary): each starts once the one before is healthy.',
  'channels[].rollout.waves[].name': 'The wave’s name, unique in the rollout.',
  'channels[].rollout.waves[].ous': 'OUs of this wave: among the channel’s target OUs, in no other wave.',
  'channels[].rollout.waves[].accounts': 'Accounts of this wave: inside the channel’s targets, in no other wave.',
  'channels[].rollout.bakeMinutes':
    'Each refresh’s BakeTime: the next wave starts only once every refresh of this one is Successful, bake included.',
  'channels[].rollout.alarms':
    'CloudWatch alarm names in each member account and Region; one in ALARM fails the refresh, which rolls back.',
  'channels[].rollout.minHealthyPercentage': 'The refreshes’ MinHealthyPercentage.',
  'channels[].rollout.maxHealthyPercentage': 'The refreshes’ MaxHealthyPercentage (at most 100 above the minimum).',
  'channels[].rollout.checkpointPercentages': 'The refreshes’ checkpoints, ascending, the last 100 (default: none).',
  'channels[].rollout.checkpointDelayMinutes': 'How long a refresh waits at each checkpoint.',
  'channels[].rollout.instanceWarmupSeconds':
    'The refreshes’ InstanceWarmup (default: the group’s own warm-up or health check grace period).',
  'channels[].rollout.protectedInstances':
    'What a refresh does with instances protected from scale in (ScaleInProtectedInstances): Ignore leaves them on their version, Refresh replaces them, Wait fails the refresh after an hour.',
  'channels[].rollout.standbyInstances':
    'What a refresh does with instances in Standby (StandbyInstances): Ignore leaves them, Terminate ends them, Wait fails the refresh after an hour.',
  'channels[].rollout.lateAlarmScope':
    'What a finished wave’s alarm in ALARM later takes back (the rollout halts either way): account, only that wave’s groups in each account and Region where the alarm is in ALARM; wave, all its groups.',
  notifications: 'Where announcements go besides the SNS topic.',
  'notifications.approvers':
    "Each approver's own address (name → email): their signed approve/reject links go only there, through an SNS filter on the approver's name.",
  'notifications.email':
    'Addresses subscribed to the topic, each optionally filtered: `{ address, only: { events?, channels?, images?, severities? } }` (every key given must match).',
  'notifications.email[].address': 'An email address.',
  'notifications.email[].only': 'An SNS filter policy on the announcement’s attributes.',
  'notifications.email[].only.events': 'Announcement kinds (events/README.md lists them).',
  'notifications.email[].only.channels': 'Channel names.',
  'notifications.email[].only.images': 'Image names.',
  'notifications.email[].only.severities': 'Severities.',
  ...SINK_FIELD_MEANINGS,
  'notifications.monthlySummary': 'When the monthly summary of the month before is announced (UTC), or `false`.',
  'notifications.monthlySummary.day': 'Day of the month.',
  'notifications.monthlySummary.at': 'Time of day, `HH:MM` UTC.',
  monitoring: 'Alarm settings.',
  'monitoring.staleChannelAfter': 'A channel that has not moved this long raises the stale-golden-image alarm.',
  'monitoring.launchPermissionSweepEvery':
    "How often the audit reads back every live version's launch permissions in every Region (whole days, 1d to 30d). Between sweeps a change is read back on its CloudTrail event (needs a trail: docs/security.md), or the next day from CloudTrail's event history.",
  'monitoring.functionSweepEvery':
    "How often the functions' audit reads back every Goldsmith function (whole days, 1d to 30d). Between, a function is read back on its Lambda call's CloudTrail event (needs a trail), or the next day from CloudTrail's event history; the roles daily.",
  'monitoring.pointerSweepEvery':
    "How often the audit reads back every channel pointer (whole days, 1d to 30d). Between sweeps a pointer is read back on Parameter Store's change event (no trail needed), or, the event lost, the next day from CloudTrail's event history.",
  'monitoring.pointerPolicySweepEvery':
    "How often the audit reads every shared pointer's resource policies (whole days, 1d to 30d). Daily it reads those of a pointer RAM lists in a share not its channel's (a policy put on a pointer makes RAM create one), and a pointer's on its PutResourcePolicy event (needs a trail).",
  'monitoring.organizationFullReadEvery':
    "How often organization-sync reads the whole organization and holds what changed (whole days, 1d to 30d). Between full reads Organizations' own events bring each change (CloudTrail, US East (N. Virginia): docs/organization.md); the full read catches an event lost on the way.",
  'monitoring.pipelineListingEvery':
    "How often the reconciler lists every catalog pipeline's builds (whole days, 1d to 13d: shorter than the 14 days of builds it lists), finding a build nothing recorded. Between listings it asks only about the builds the ledger holds open, and lists a pipeline whose open build Image Builder no longer describes.",
  'monitoring.keyGrantQuota':
    'KMS\'s "Grants per KMS key" for the factory account (50,000 unless raised in Service Quotas): the daily grants count announces a Region whose AMI key holds 80 % of it.',
  'monitoring.keyGrantAccountShare':
    "The share of that quota (0 to 1) one account's grants on the AMI key may hold before the daily grants count announces the account by name.",
  'monitoring.logRetentionDays':
    "Days every function's own log group and the state machine's keep their logs (one of CloudWatch Logs' periods).",
  resilience: "How long transient AWS errors are waited out, and when an image's failing builds stop.",
  'resilience.retryHorizon':
    'Every promotion step retries transient errors (throttling, 5xx) with backoff this long before the promotion pauses; between `1h` and `1w`.',
  'resilience.pauseBuildsAfterFailures':
    "After this many of an image's builds failed in a row (the ledger's outcomes, in build order), no trigger starts another until an operator runs `goldsmith resume IMAGE --builds`; 1 to 20.",
  prices:
    'Overrides of the shipped price table (core/cost/prices.ts: us-east-1 on-demand list prices, each page named).',
  'prices.asOf': 'When your prices were read.',
  'prices.source': 'Where they come from.',
  'prices.instanceHour': 'Instance type → USD per hour.',
  'prices.instanceHourFallback': 'USD per hour for a type the table lacks.',
  'prices.snapshotGbMonth': 'EBS snapshot storage, USD per GB-month.',
  'prices.snapshotGb': 'Platform → the snapshot size assumed, GB.',
  'prices.crossRegionGb': 'Cross-Region transfer of a copy, USD per GB.',
  'prices.ecrGbMonth': 'ECR storage, USD per GB-month.',
  'prices.containerImageGb': 'The container image size assumed, GB.',
  'prices.lambdaRequestMillion': 'Lambda, USD per million requests.',
  'prices.lambdaGbSecond': 'Lambda, USD per GB-second.',
  'prices.lambdaAssumedMs': 'The duration assumed per invocation, ms.',
  'prices.lambdaAssumedMemoryMb': 'The memory assumed per function, MB.',
  'prices.sfnTransitionThousand': 'Step Functions Standard, USD per thousand state transitions.',
  'prices.dynamoWriteMillion': 'DynamoDB on-demand, USD per million write request units.',
  'prices.dynamoReadMillion': 'DynamoDB on-demand, USD per million read request units.',
  'prices.eventsMillion': 'EventBridge custom events put, USD per million.',
  'prices.schedulerMillion': 'EventBridge Scheduler invocations, USD per million.',
  'prices.snsPublishMillion': 'SNS publishes, USD per million.',
  'prices.ssmAdvancedParameterMonth': 'An advanced parameter (a channel pointer), USD per month.',
  'prices.ssmApiTenThousand': 'Parameter Store API calls on advanced parameters, USD per ten thousand.',
  'prices.alarmMonth': 'A CloudWatch standard alarm, USD per month.',
  'prices.dashboardMonth': 'A CloudWatch dashboard, USD per month.',
  access: 'Who besides Goldsmith may act on it (principals must exist when you deploy).',
  'access.ci':
    'CI principals that may put "Package Update" on Goldsmith’s bus: IAM role/user ARNs or 12-digit account ids, in the organization.',
  'access.operators':
    'Principals that may assume the operators’ role (`goldsmith-<stage>-operators`): build, promote, rollback, revoke, resume, and read for status/history.',
  'access.approvers':
    'Approver name → the IAM principals that person signs operator requests as (role ARN, assumed-role session ARN or user ARN).',
  quotas:
    'AWS quotas raised above their defaults in Service Quotas (every distribution Region): `validate`, `preflight` and Share hold to these instead (docs/deploy.md, "AWS quotas").',
  'quotas.amiSharing':
    'EC2 "AMI sharing": organizations, OUs and accounts one AMI may be shared with per Region (default 1,000). Share refuses a promotion past it before calling EC2.',
  'quotas.amis':
    'EC2 "AMIs": AMIs per Region (default 50,000), checked by `validate` against `retention.keep` per channel.',
  allowedAmis:
    'Optional (off when absent): the EC2 Allowed AMIs criteria the channels imply, printed as an Organizations declarative policy by `goldsmith allowed-amis` (docs/fleet/allowed-amis.md: what it blocks and what it cannot).',
  'allowedAmis.mode':
    '`audit-mode`: EC2 marks each AMI allowed or not and blocks nothing; `enabled`: only matching AMIs are listed and launch. Start in `audit-mode`.',
  'allowedAmis.channels':
    'Channels whose targets (OUs, accounts) the policy is for, e.g. `[prod]` to enforce there first (default: every channel).',
  'allowedAmis.deprecatedGraceDays':
    'Days a deprecated Goldsmith AMI stays launchable (EC2 `MaximumDaysSinceDeprecated`). Goldsmith deprecates a version when it retires or revokes it, and `retention.deprecateAfter` after its build; `0`: none launches once deprecated.',
  'allowedAmis.alsoAllow':
    'Up to 9 more criteria, for AMIs member accounts may launch besides Goldsmith’s (an AMI is allowed when any criterion matches).',
  'allowedAmis.alsoAllow[].providers':
    '`amazon`, `aws-marketplace`, `aws-backup-vault` or 12-digit account ids (at most 200): whose AMIs.',
  'allowedAmis.alsoAllow[].imageNames':
    'Only AMIs of these names (`*` and `?` wildcards, at most 50), e.g. `al2023-ami-*`.',
  'allowedAmis.alsoAllow[].marketplaceProductCodes': 'Only these AWS Marketplace products (at most 50).',
  'allowedAmis.exceptionMessage':
    'The message EC2 returns with a refused launch, e.g. where to find the golden images (the policy’s `exception_message`).',
};

/**
 * The AwsSolutions findings Goldsmith accepts, each with the reason a reviewer signed off on. A suppression names its
 * rule and the resources it covers (stack, CloudFormation type, logical id pattern); `appliesTo` narrows an IAM
 * finding to the exact managed policy or wildcard it accepts, so a new wildcard on the same role is still flagged.
 * IAM5 findings for `Resource: *` are not listed here: `nag.ts` accepts them only where AWS's Service Authorization
 * Reference shows every action in those statements takes no required resource type (xray:PutTraceSegments,
 * states:SendTaskSuccess, ec2:DescribeImages, ...), and flags them otherwise.
 */
export interface NagSuppression {
  rule: string;
  reason: string;
  stacks?: readonly string[];
  types?: readonly string[];
  logicalIds?: RegExp;
  appliesTo?: readonly (string | { regex: string })[];
}

const ROLE = ['AWS::IAM::Role'];
const POLICY = ['AWS::IAM::Policy'];

export const NAG_SUPPRESSIONS: readonly NagSuppression[] = [
  {
    rule: 'AwsSolutions-IAM4',
    stacks: ['Factory'],
    types: ROLE,
    logicalIds: /^(Ami|Container)BuildRole/,
    appliesTo: [
      'Policy::arn:<AWS::Partition>:iam::aws:policy/EC2InstanceProfileForImageBuilder',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/EC2InstanceProfileForImageBuilderECRContainerBuilds',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ],
    reason:
      "The build instances' role: Image Builder documents exactly these AWS managed policies for its instance profile " +
      '(https://docs.aws.amazon.com/imagebuilder/latest/userguide/image-builder-setting-up.html); AWS keeps them in ' +
      'step with what its build and test agents call.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Factory'],
    types: POLICY,
    logicalIds: /^(Ami|Container)BuildRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::<BuildLogs[0-9A-F]+\\.Arn>\\/build-logs\\/\\*$/' }],
    reason:
      'Build instances write their logs under build-logs/ in the build-log bucket; the object keys are per build ' +
      '(pipeline, version, instance) and unknown at deploy time. Only s3:PutObject, only that prefix.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    types: POLICY,
    appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/' }],
    reason:
      "lambda:InvokeFunction on one named function and its versions/aliases (CDK's grantInvoke adds `<arn>:*`): the " +
      'wildcard is only the qualifier, never another function.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^(OnImageEvent|Reconcile)ServiceRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:imagebuilder:[^:]+:aws:component\\/\\*$/' }],
    reason:
      "imagebuilder:GetComponent on AWS's own managed components (owner `aws`, not Goldsmith's account): a recipe's " +
      '`x.x.x` resolves to a build version only GetComponent names, and which managed components a catalog uses is ' +
      'its choice. Read-only, and no resource of anyone in the organization.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion', 'Trust'],
    types: POLICY,
    // The account reads `my-account` in an offline synthesis and the caller's account in `sst build`.
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:imagebuilder:[a-z0-9-]+:[^:]+:image\\/\\*$/' }],
    reason:
      'imagebuilder:GetImage on image build versions of this account in the home Region: every build creates a new ' +
      "build-version ARN, unknown at deploy time (the operator endpoint's revoke and rollback doors read a build they revoke, restore or roll back to).",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Trust'],
    types: POLICY,
    logicalIds: /^RollbackEndpointServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      "The operator's restore (the operator endpoint's rollback door) gives a restored version its channels' launch permissions through Share's path, reading " +
      "the OUs and accounts of the catalog's organization only (the management account's id is not in the catalog).",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^LifecycleSweepServiceRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:imagebuilder:[a-z0-9-]+:[^:]+:image\\/goldsmith-\\*$/' }],
    reason:
      "imagebuilder:DeleteImage on Goldsmith's own image build versions (named goldsmith-<image>-…): every build " +
      'creates a new build-version ARN (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_DeleteImage.html), ' +
      'unknown at deploy time; the prefix keeps the sweep off any other image of the account.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Trust'],
    types: POLICY,
    logicalIds: /^RevokeEndpointServiceRoleDefaultPolicy/,
    appliesTo: [
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:scheduler:[^:]+:[^:]+:schedule\\/goldsmith-[a-z0-9-]+-revocations\\/\\*$/',
      },
    ],
    reason:
      "revoke --at: create and read one-time schedules in Goldsmith's own revocation schedule group only; each " +
      'schedule is named after the image version being revoked, unknown at deploy time. Only CreateSchedule and GetSchedule.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Monitoring'],
    types: POLICY,
    logicalIds: /^RedriveDeadLettersServiceRoleDefaultPolicy/,
    appliesTo: [
      {
        regex: '/^Resource::arn:<AWS::Partition>:scheduler:[^:]+:[^:]+:schedule\\/goldsmith-[a-z0-9-]+-redrive\\/\\*$/',
      },
    ],
    reason:
      "The re-drive's follow-up looks: create one-time schedules in its own schedule group only; each is named after " +
      'its queue and the minute it is due (core/redrive/looks.ts), unknown at deploy time. Only CreateSchedule.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Monitoring'],
    types: POLICY,
    logicalIds: /^AuditPoliciesServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:(sns|sqs):<AWS::Region>:<AWS::AccountId>:goldsmith-[a-z0-9-]+-\\*$/' },
      { regex: '/^Resource::arn:<AWS::Partition>:(sns|sqs):<AWS::Region>:<AWS::AccountId>:[a-z0-9-]+-goldsmith-\\*$/' },
    ],
    reason:
      "The audit of resource policies: read and put back the policy of Goldsmith's own topics and queues only, named " +
      '`goldsmith-<stage>-…` or by CloudFormation after their stack (`<stage>-goldsmith-<Stack>-…`, a suffix unknown ' +
      'before deploy). Only Get/SetTopicAttributes and Get/SetQueueAttributes.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Monitoring'],
    types: POLICY,
    logicalIds: /^AuditFunctionsServiceRoleDefaultPolicy/,
    appliesTo: [
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:[a-z0-9-]+-goldsmith-\\*$/',
      },
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack\\/[a-z0-9-]+-goldsmith-\\*\\/\\*$/',
      },
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter\\/goldsmith\\/_functions\\/[a-z0-9-]+\\/\\*$/',
      },
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role\\/([a-z0-9-]+-goldsmith|goldsmith-[a-z0-9-]+)-\\*$/',
      },
    ],
    reason:
      "The functions' audit: read Goldsmith's own functions and stop one changed outside the deployment, named by " +
      'CloudFormation after their stack (`<stage>-goldsmith-<Stack>-…`, a suffix unknown before deploy), and read the ' +
      "events of Goldsmith's stacks (ids unknown before deploy). Only GetFunction, PutFunctionConcurrency and " +
      "DescribeStackEvents; GetParameter on the functions' " +
      'records (`/goldsmith/_functions/<stage>/…`, one per function, named by its construct). ' +
      "The roles' audit reads Goldsmith's roles (`<stage>-goldsmith-…`, `goldsmith-<stage>-…`): " +
      'only GetRole, ListRolePolicies, GetRolePolicy and ListAttachedRolePolicies (GetAccountAuthorizationDetails, ' +
      'which takes no resource type, is on `*`).',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Triggers', 'Promotion', 'Trust'],
    types: POLICY,
    logicalIds: /^(StartBuilds|Reconcile|Operator)ServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:imagebuilder:[a-z0-9-]+:[^:]+:image-pipeline\\/goldsmith-\\*$/' },
    ],
    reason:
      "Start and list builds of Goldsmith's own pipelines, named goldsmith-<image> (unique per account and Region), so " +
      "the prefix names exactly the catalog's pipelines. One ARN per image grew past IAM's 6,144-character managed " +
      'policy at 100 images (8,163 characters measured by goldsmith validate); the prefix keeps the grant constant.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^PromotionPublish/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:ssm:\\*:[^:]+:parameter\\/goldsmith\\/\\*$/' },
      'Resource::arn:<AWS::Partition>:ec2:*::image/*',
    ],
    reason:
      "Publish writes the channel pointers under Goldsmith's own /goldsmith/ prefix in every distribution Region, and " +
      'tags the AMIs Image Builder distributed there; AMI ids are created per build, so they cannot be named at deploy.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^AuditHoldingsServiceRoleDefaultPolicy/,
    appliesTo: [
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:scheduler:[^:]+:[^:]+:schedule\\/goldsmith-[a-z0-9-]+-revocations\\/\\*$/',
      },
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      "The audit of what AWS holds reads (GetSchedule only) the revocation schedules of Goldsmith's own group, each named " +
      "after the version being revoked, unknown at deploy; and puts back launch permissions through Share's path, " +
      "reading the OUs and accounts of the catalog's organization only (the management account's id is not in the catalog).",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^(Promotion(Share|RecordOutcome)|OrganizationSync)/,
    appliesTo: [
      'Resource::arn:<AWS::Partition>:ec2:*::image/*',
      'Resource::arn:<AWS::Partition>:ec2:*::snapshot/*',
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      'Share, RecordOutcome and OrganizationSync (re-granting after an organization change) set the launch and copy ' +
      'permissions of the AMIs and snapshots Image Builder creates per build (ids unknown at deploy), and read the OUs ' +
      "and accounts of the catalog's organization only (the management account's id is not in the catalog).",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^LifecycleSweepServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      "The sweep's patch-compliance pass lists the OUs and accounts of the catalog's organization only, to tell each " +
      "channel's accounts and each account's OU (the management account's id in the ARN is not in the catalog).",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^RolloutEngineRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:iam::\\*:role\\/goldsmith-[a-z0-9-]+-rollout$/' },
      { regex: '/^Resource::arn:<AWS::Partition>:iam::\\*:role\\/goldsmith-[a-z0-9-]+-rollout-\\?{8}$/' },
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:cloudformation:[a-z0-9-]+:[^:]+:stackset\\/goldsmith-[a-z0-9-]+-member-baseline:\\*$/',
      },
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      'The rollout engine assumes the one member rollout role (goldsmith-<stage>-rollout) in whichever member account a ' +
      'wave reaches, held to the organization by aws:ResourceOrgID; member accounts are not known at deploy time. It ' +
      "resolves each wave's OUs to accounts by listing the catalog's organization only. A stack instance names its " +
      'role goldsmith-<stage>-rollout-<8 hex of its stack id>, found with ListStackInstances on the member baseline ' +
      'StackSet, whose ARN ends in its generated id.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^OnFindingServiceRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:account\\/o-[a-z0-9]+\\/\\*$/' }],
    reason:
      "on-finding asks Organizations' DescribeAccount whether a finding's account is an active account of the " +
      'organization (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html): the ' +
      "accounts of the catalog's organization only; the management account's id in the ARN is not in the catalog.",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^PromotionPublishServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:.*RolloutStateMachine.*:\\*$/' },
    ],
    reason:
      'Publish reads back (DescribeExecution) the Rollout execution of the name it starts, to take an existing one as ' +
      'its own only when its input is its own: the executions of the one Rollout state machine, whose names are per ' +
      'version (CDK grantExecution); no other machine.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion', 'Trust'],
    types: POLICY,
    logicalIds: /^(OnLifecycleRequest|Operator|RevokeEndpoint|RollbackEndpoint)ServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:.*RolloutStateMachine.*:\\*$/' },
    ],
    reason:
      'A revocation of a version whose rollout had ended starts a Rollout execution of its own to take the groups ' +
      'back (functions/lifecycle/revoke-rollout.ts) and reads it back (DescribeExecution) on a retry, to take it as ' +
      'its own only when its input is its own: the executions of the one Rollout state machine, whose names are per ' +
      'version (CDK grantExecution); no other machine.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^ReconcileServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:.*RolloutStateMachine.*:\\*$/' },
    ],
    reason:
      'The reconciler reads (DescribeExecution) the Rollout execution of each rollout the ledger holds open, to mark ' +
      'one whose execution stopped: the executions of the one Rollout state machine, whose names are per version ' +
      '(CDK grantExecution); no other machine.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Trust'],
    types: POLICY,
    logicalIds: /^OperatorsRoleDefaultPolicy/,
    appliesTo: [
      {
        regex:
          '/^Resource::.*(\\/index\\/\\*|:parameter\\/goldsmith\\/\\*|:execution:.*:\\*|:stack\\/[a-z0-9-]+-goldsmith-Trust\\/\\*)$/',
      },
    ],
    reason:
      "The operators' role reads what `goldsmith status`/`history` read: the ledger table's indexes (CDK's " +
      'grantReadData), the channel pointers under /goldsmith/ in every Region, and the executions of the one ' +
      "promotion state machine (their names are per build); and the Trust stack's outputs (its id unknown before " +
      'deploy). Read-only; no other table, parameter, machine or stack.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['MemberBaseline'],
    types: POLICY,
    logicalIds: /^KeyGrantsServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(account|ou)\\/o-[a-z0-9]+\\/\\*$/' },
      {
        regex:
          '/^Resource::arn:<AWS::Partition>:cloudformation:[a-z0-9-]+:[^:]+:stackset\\/goldsmith-[a-z0-9-]+-member-baseline:\\*$/',
      },
    ],
    reason:
      "The grants auditor asks AWS before it revokes a grant: Organizations about the grantee's account and its " +
      "parents (DescribeAccount, ListParents on the organization's accounts and OUs, ids unknown before deploy) and the " +
      "member baseline's StackSet about the account's instance (ListStackInstances; the StackSet's id suffix is AWS's). " +
      'Read-only; no other organization or StackSet.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion', 'Trust'],
    types: POLICY,
    logicalIds:
      /^(Promotion(Share|Publish)|OnLifecycleRequest|(RevokeEndpoint|RollbackEndpoint|AuditHoldings)ServiceRole)/,
    appliesTo: [
      // The account reads `my-account` in an offline synthesis and the caller's account in `sst build`.
      { regex: '/^Resource::arn:<AWS::Partition>:ecr:\\*:[^:]+:repository\\/[a-z0-9._/-]+$/' },
      { regex: '/^Resource::arn:<AWS::Partition>:ram:\\*:[^:]+:resource-share\\/\\*$/' },
    ],
    reason:
      "Container promotion works on the catalog's own repositories, named, in every distribution Region (the Region is " +
      'the only wildcard); RAM resource-share ARNs end in an id RAM makes at creation, so Associate/Disassociate are ' +
      "held to Goldsmith's pointer shares by the ram:ResourceShareName condition instead. Revocation and rollback " +
      "(on-lifecycle-request, the revoke and rollback doors) move pointers back through the same path, and the holdings auditor's daily " +
      'backstop puts back through it what was changed in a pointer share outside Goldsmith.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion', 'Trust'],
    types: POLICY,
    logicalIds:
      /^(PromotionRetire|PromotionLoadImage|OnLifecycleRequest|LifecycleSweep|RevokeEndpoint|RollbackEndpoint|AuditHoldings)ServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:ssm:\\*:[^:]+:parameter\\/goldsmith\\/\\*$/' },
      'Resource::arn:<AWS::Partition>:ec2:*::image/*',
      'Resource::arn:<AWS::Partition>:ec2:*::snapshot/*',
    ],
    reason:
      'The lifecycle (Retire, the daily sweep, revocation and rollback, from events or the operator endpoint; LoadImage ' +
      'schedules retention.deprecateAfter) deprecates and deregisters the AMIs Image ' +
      'Builder distributed in every Region (with their snapshots) and moves or withdraws the channel pointers under ' +
      "Goldsmith's own /goldsmith/ prefix; AMI and snapshot ids are created per build, so they cannot be named at deploy. " +
      "The holdings auditor's pointer-share backstop sets those parameters' resource policies as RAM re-shares them.",
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^LifecycleSweepServiceRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:ec2:\\*:[^:]+:image-usage-report\\/\\*$/' }],
    reason:
      'ec2:CreateImageUsageReport authorizes on the new report as well as the AMI, and EC2 names the report ' +
      '(amiur-...) only when it creates it (Service Authorization Reference for Amazon EC2, CreateImageUsageReport: ' +
      'resource types image and image-usage-report); the Region is every distribution Region the sweep observes.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Triggers'],
    types: POLICY,
    appliesTo: ['Resource::arn:<AWS::Partition>:ssm:us-east-1::parameter/aws/service/*'],
    reason:
      "Read-only ssm:GetParameters on AWS-owned public parameters (/aws/service/...), where the catalog's ssm: parents " +
      'live; they belong to AWS and hold no data of ours.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    types: POLICY,
    logicalIds: /^SourcemapUploaderPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::(cdk-[a-z0-9]+-assets|sstbootstrap)-[^/]+\\/\\*$/' }],
    reason:
      "SST's sourcemap uploader (added by sst build/deploy only): get/put objects in the CDK and SST bootstrap asset " +
      'buckets, whose keys are content hashes unknown until the build.',
  },
  {
    rule: 'AwsSolutions-L1',
    types: ['AWS::Lambda::Function'],
    reason:
      'Node.js 22 is the runtime Goldsmith is built and tested on (package.json engines, the local cloud, npm run ' +
      'bench); Lambda supports nodejs22.x until 30 April 2027 ' +
      '(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). CDK custom-resource handlers use the ' +
      'runtime CDK 2.224 pins.',
  },
  {
    rule: 'AwsSolutions-S1',
    stacks: ['Factory'],
    types: ['AWS::S3::Bucket'],
    logicalIds: /^BuildLogs/,
    reason:
      'The bucket holds Image Builder build logs only, written by build instances and read by operators; server ' +
      'access logs would need a second bucket that holds nothing more sensitive. It blocks public access and ' +
      'enforces TLS.',
  },
  {
    rule: 'AwsSolutions-S1',
    stacks: ['Factory'],
    types: ['AWS::S3::Bucket'],
    logicalIds: /^SbomBucket/,
    reason:
      "The bucket holds each version's SBOMs, written and deleted by Goldsmith's functions alone (its policy denies " +
      "every other principal's object calls, and every request without TLS); server access logs would need a second " +
      'bucket that holds nothing more sensitive, and the ledger records every document kept (`SBOM#`).',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^(OnImageEvent|Reconcile|OnLifecycleRequest|Lifecycle|SbomExports)[A-Za-z]*ServiceRoleDefaultPolicy/,
    // The account reads `my-account` in an offline synthesis and the caller's account in `sst build`.
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::goldsmith-[a-z0-9-]+-sbom-[^/]+\\/sbom\\/\\*$/' }],
    reason:
      "A version's SBOM documents are keyed by image and version (sbom/<image>/<version>/<file>), unknown at deploy " +
      'time: only the SBOM bucket, only its sbom/ prefix, only the object calls the function makes.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^SbomExportsServiceRoleDefaultPolicy/,
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::goldsmith-[a-z0-9-]+-sbom-[^/]+\\/inspector\\/\\*$/' }],
    reason:
      "Inspector's SBOM exports are written under inspector/<image>/<version>/ with keys Inspector chooses (a report id, " +
      'per image), unknown at deploy time: only the SBOM bucket, only its inspector/ prefix, only s3:GetObject.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    stacks: ['Promotion'],
    types: POLICY,
    logicalIds: /^PromotionRetireServiceRoleDefaultPolicy/,
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:organizations::\\*:(root|ou|account)\\/o-[a-z0-9]+\\/\\*$/' },
    ],
    reason:
      'Retire narrows a retired version still in use to the users its channels still reach, so it lists the OUs and ' +
      "accounts of the catalog's organization only (the management account's id in the ARN is not in the catalog).",
  },
  {
    rule: 'AwsSolutions-SMG4',
    stacks: ['Promotion'],
    types: ['AWS::SecretsManager::Secret'],
    logicalIds: /^ApprovalDecisionSecret/,
    reason:
      'HMAC key of the proofs the approval doors attach to recorded decisions: automatic rotation would make every ' +
      'decision recorded but not yet delivered unprovable. Rotate by hand when no decision waits for delivery ' +
      '(the previous version is still accepted after a rotation).',
  },
  {
    rule: 'AwsSolutions-SMG4',
    stacks: ['Promotion'],
    types: ['AWS::SecretsManager::Secret'],
    logicalIds: /^ApprovalLinkSecret/,
    reason:
      'HMAC key of the signed approval links: automatic rotation would invalidate every link still within its ' +
      'approval timeout. Rotate by hand between approvals (put-secret-value); links are also single-use and expire.',
  },
  {
    rule: 'AwsSolutions-SMG4',
    stacks: ['Promotion'],
    types: ['AWS::SecretsManager::Secret'],
    logicalIds: /^TaskTokenSecret/,
    reason:
      'AES key that seals the task tokens the ledger keeps: automatic rotation would leave tokens sealed two versions ' +
      'back unopenable, so a waiting approval or soak could no longer be answered. Rotate by hand ' +
      '(put-secret-value) when no approval or soak has waited since the previous rotation.',
  },
  {
    rule: 'AwsSolutions-SQS3',
    types: ['AWS::SQS::Queue'],
    logicalIds: /Dlq/,
    reason:
      'This queue is itself a dead-letter queue, of EventBridge rule targets and Lambda async invocations ' +
      "(DeadLetterConfig); cdk-nag's rule recognises only SQS redrive policies.",
  },
];

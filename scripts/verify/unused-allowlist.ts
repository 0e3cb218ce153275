/**
 * Permissions a function's role holds that its own code never calls, because AWS uses them on the caller's behalf
 * while serving a call the code does make. Everything else a role holds must be a call its code makes: `npm run
 * verify` fails on any other unused grant. Keyed by action; `handlers` narrows an entry to the functions named.
 */
export interface UnusedAllowance {
  action: string;
  /** Handler settings (`functions/x.handler`) the allowance holds for; absent: every function. */
  handlers?: readonly string[];
  reason: string;
}

const POINTER_MOVERS = [
  'functions/promotion/publish.handler',
  'functions/on-lifecycle-request.handler',
  'functions/operator-revoke.handler',
  'functions/operator-rollback.handler',
  // The daily pointer-share backstop puts back what changed outside Goldsmith through Publish's path.
  'functions/audit-holdings.handler',
];

export const UNUSED_ALLOWED: readonly UnusedAllowance[] = [
  {
    action: 'sqs:SendMessage',
    reason:
      "Lambda sends a failed asynchronous invocation's record to the on-failure queue with the function's execution " +
      'role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).',
  },
  {
    action: 'kms:Decrypt',
    handlers: ['functions/sbom-exports.handler'],
    reason:
      "GetObject of an Inspector SBOM export, which Inspector writes encrypted with the export's KMS key: S3 decrypts " +
      "it with the caller's kms:Decrypt (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).",
  },
  {
    action: 'ec2:DeleteSnapshot',
    handlers: ['functions/lifecycle-sweep.handler'],
    reason:
      "DeregisterImage with DeleteAssociatedSnapshots deletes the AMI's snapshots as the caller, authorized as " +
      'ec2:DeleteSnapshot on each (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeregisterImage.html).',
  },
  ...['ssm:PutResourcePolicy', 'ssm:GetResourcePolicies', 'ssm:DeleteResourcePolicy'].map((action) => ({
    action,
    handlers: POINTER_MOVERS,
    reason:
      "RAM attaches and removes a shared parameter's resource policy on the owner's behalf when the parameter joins " +
      'or leaves a resource share (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).',
  })),
  {
    action: 'ram:TagResource',
    handlers: POINTER_MOVERS,
    reason:
      "CreateResourceShare's tags (goldsmith:purpose, the tag that marks the share as Goldsmith's) are authorized as " +
      'a tagging action on create, as AWS does for tag-on-create (aws:RequestTag on ram:CreateResourceShare and ' +
      'ram:TagResource: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsresourceaccessmanagerram.html).',
  },
];

/** Whether an unused grant of `action` to `handler` is one AWS uses on the function's behalf. */
export function unusedAllowed(handler: string, action: string): boolean {
  return UNUSED_ALLOWED.some((a) => a.action === action && (a.handlers === undefined || a.handlers.includes(handler)));
}

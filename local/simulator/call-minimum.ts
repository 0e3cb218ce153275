import type { AuditCalls } from './audit-calls.js';
import { AUDIT_READ_REASONS } from './audit-read-reasons.js';

/**
 * What every "per channel promotion" figure divides by (the totals, the cost, `callPlan`, the HTML, the benchmark): the
 * channel promotions that happened, a version promoted into a channel. Attempts a gate, an approver, time or an abort
 * stopped are not counted; the calls they made are in the numerator, so they raise the figure.
 */
export function channelPromotions(promotions: readonly { outcome: string }[]): number {
  return promotions.filter((p) => p.outcome === 'promoted').length;
}

/**
 * Calls made against the calls the plan needs, per operation: what `npm run bench` prints per channel promotion.
 * The minimum counts each mutating call the run's changes require and the reads that decide them; a read that only
 * re-reads what did not change (a poll, a re-listing, a lookup of something made before) has minimum 0.
 */
export interface CallPlanFigures {
  /** Channel promotions of the run (versions promoted into a channel: totals.ts `channelPromotions`), the denominator of the per-promotion figures. */
  promotions: number;
  operations: CallPlanOperation[];
  made: number;
  minimum: number;
  /** `made / minimum` (null when the minimum is 0). */
  ratio: number | null;
  /** Requests Goldsmith's functions sent to DynamoDB (a batch or a transaction is one request), per operation. */
  dynamo: { requests: number; byOperation: Record<string, number> };
  /** The audit of outside changes: its calls, per operation (audit-calls.ts); part of `made`. */
  audit?: AuditCalls;
  /** `dynamo`'s requests per function, per operation (dynamo-usage.ts `dynamoByFunction`). */
  dynamoByFunction?: Record<string, Record<string, number>>;
}

export interface CallPlanOperation {
  operation: string;
  made: number;
  minimum: number;
  /** Why the minimum is what it is. */
  basis: string;
}

/** What the minimum is worked out from: the report's promotions and builds, and the run's counts. */
export interface CallPlanInput {
  promotions: readonly { image: string; channel: string; outcome: string; regions: readonly string[] }[];
  builds: readonly { status: string }[];
  apiCalls: Readonly<Record<string, number>>;
  /** The sharing planner's minimum of ModifyImageAttribute (sharing-figures.ts). */
  minimumModifyImageAttribute: number;
  /** The calls of one full read of the organization (OrganizationTree.fullReadCalls). */
  organizationFullRead: Readonly<Record<string, number>>;
  /** The fewest reads of the image usage reports asked for (ImageUsageReports.minimumReads). */
  usageReportReads: { reports: number; entries: number };
  /** Dead letters the re-drive made again. */
  redriven: number;
  dynamoRequests: Readonly<Record<string, number>>;
}

// Operations that change something: by AWS's naming, a verb that writes. What the run asked for, it needed (the
// change requires it) unless a rule below says how many would have done.
const MUTATING =
  /^[a-z0-9]+:(Create|Put|Delete|Modify|Start|Send|Publish|Associate|Disassociate|Deregister|Register|Tag|Untag|Update|Copy|Cancel|Stop|Set|Enable|Disable|Import|Add|Remove|Batch(Delete|Put)|Deprecate|Enable|Replace|Change|Purge|Redrive|Invoke|Retag)/;

/**
 * The minimum per operation. Rules, each from the run's own outcomes:
 * - EC2 sharing: the planner's ModifyImageAttribute minimum, and per such call one read of the grants in force
 *   (DescribeImageAttribute), of the AMI's snapshots (DescribeImages) and of their copy permissions.
 * - RAM: one CreateResourceShare per (channel, Region) first promoted to, one AssociateResourceShare per further
 *   pointer parameter (image, channel, Region) first published, and one GetResourceShareAssociations per such change
 *   (RAM associates asynchronously, so a read confirms it); no GetResourceShares (the share, once made, is known).
 * - Organizations: one full read for the run (the tree does not change in it); the weekly full read beyond it is
 *   the backstop for a lost event.
 * - SSM GetResourcePolicies and RAM ListResources: none (no one changes a pointer's policy in the run); the policies'
 *   sweep, the daily listing of what RAM shares and the read a policy call's CloudTrail event asks for are what is made.
 * - Image Builder: one GetImage per finished build (its outputs decide the promotion), one ListImageScanFindings
 *   per available build (the findings gate); no ListImagePipelineImages (every build's status arrives as an event;
 *   the weekly listing and an overdue build's pipeline are the backstop).
 * - Secrets Manager: two reads per approval decision (signing the request, verifying the answer).
 * - EC2 image usage reports: the CreateImageUsageReport calls as made (the fleet's daily observation); reading
 *   them, per Region and day, one DescribeImageUsageReports per 200 reports and one DescribeImageUsageReportEntries
 *   per 1,000 entries, the calls' own bounds.
 * - SQS: one ReceiveMessage per dead letter re-driven; none while the queues are empty.
 * - SSM GetParameter: one read-back per PutParameter (a pointer's write is proven only by reading it: Parameter
 *   Store validates an `aws:ec2:image` value after PutParameter answered).
 * - SSM GetParameters (the base-image watcher): AWS puts no event when a public parameter changes, so its polls
 *   are what is needed to see a release: counted as made.
 * - The audit's backstop reads (the daily reads of functions, roles, rules, doors and subscriptions, the hourly
 *   glance at the subscriptions, the SBOM exports' look before a write): 0, each with why it is made
 *   (audit-read-reasons.ts).
 * - Any other mutating call: as made (the change required it); any other read: 0.
 */
export function callPlanFigures(input: CallPlanInput): CallPlanFigures {
  const promoted = input.promotions.filter((p) => p.outcome === 'promoted');
  const shares = new Set(promoted.flatMap((p) => p.regions.map((r) => `${p.channel}\n${r}`))).size;
  const parameters = new Set(promoted.flatMap((p) => p.regions.map((r) => `${p.image}\n${p.channel}\n${r}`))).size;
  const approvals = (input.apiCalls['sfn:SendTaskSuccess'] ?? 0) + (input.apiCalls['sfn:SendTaskFailure'] ?? 0);
  const finished = input.builds.filter((b) => b.status === 'AVAILABLE' || b.status === 'FAILED').length;
  const available = input.builds.filter((b) => b.status === 'AVAILABLE').length;
  const grantChanges = input.minimumModifyImageAttribute;

  const rules: Record<string, { minimum: number; basis: string }> = {
    'ec2:ModifyImageAttribute': { minimum: grantChanges, basis: "the sharing planner's minimum" },
    'ec2:DescribeImageAttribute': { minimum: grantChanges, basis: 'one read of the grants in force per grant change' },
    'ec2:DescribeImages': { minimum: grantChanges, basis: "one read of the AMI's snapshots per grant change" },
    'ec2:DescribeSnapshotAttribute': { minimum: grantChanges, basis: 'one read of copy permissions per grant change' },
    'ram:CreateResourceShare': { minimum: shares, basis: 'one per (channel, Region) first promoted to' },
    'ram:AssociateResourceShare': {
      minimum: Math.max(0, parameters - shares),
      basis: 'one per pointer parameter first published (the first rides on CreateResourceShare)',
    },
    'ram:GetResourceShareAssociations': {
      minimum: parameters,
      basis:
        "one confirmation per RAM change (RAM associates asynchronously); beyond it the daily pointer-share backstop's two reads per Region (no event says a share changed)",
    },
    'ram:GetResourceShares': {
      minimum: 0,
      basis: "the share, once made, is known; made: the daily pointer-share backstop's read per Region",
    },
    'imagebuilder:GetImage': { minimum: finished, basis: 'one per finished build (its outputs)' },
    'imagebuilder:ListImageScanFindings': { minimum: available, basis: 'one per available build (findings gate)' },
    'imagebuilder:ListImagePipelineImages': {
      minimum: 0,
      basis:
        "every status arrives as an event; made: the weekly listing of every pipeline (a build nothing recorded) and an overdue open build's pipeline",
    },
    'secretsmanager:GetSecretValue': { minimum: 2 * approvals, basis: 'sign and verify each approval decision' },
    'ec2:DescribeImageUsageReports': {
      minimum: input.usageReportReads.reports,
      basis: "one per Region and day's reports (200 per call)",
    },
    'ec2:DescribeImageUsageReportEntries': {
      minimum: input.usageReportReads.entries,
      basis: "one per Region and day's reports (1,000 entries per page)",
    },
    'sqs:ReceiveMessage': { minimum: input.redriven, basis: 'one per dead letter re-driven' },
    'ssm:GetParameters': { minimum: input.apiCalls['ssm:GetParameters'] ?? 0, basis: 'public parameters: polled' },
    'kms:ListGrants': {
      minimum: 0,
      basis: 'the grants count, a backstop: weekly per Region, daily near the quota or after an organization change',
    },
    'ssm:GetParameter': {
      minimum: input.apiCalls['ssm:PutParameter'] ?? 0,
      basis:
        "one read-back per pointer written (SSM validates an AMI value after answering); beyond it the read before a write (a retry writes nothing) and the read-back's polls",
    },
    'ssm:GetResourcePolicies': {
      minimum: 0,
      basis:
        "no policy changed; made: the policies' 28-day sweep (a policy that made no RAM share), one read per pointer RAM lists in a share not its channel's, and one per PutResourcePolicy/DeleteResourcePolicy event",
    },
    'ram:ListResources': {
      minimum: 0,
      basis:
        'no policy changed; made: the daily listing per Region of the parameters RAM shares (a policy put on a pointer makes a share of its own)',
    },
  };
  for (const [op, basis] of Object.entries(AUDIT_READ_REASONS)) rules[op] ??= { minimum: 0, basis };
  for (const [op, n] of Object.entries(input.organizationFullRead)) {
    rules[op] = {
      minimum: n,
      basis: 'one full read of the organization; beyond it the weekly full read (the event lost on the way)',
    };
  }

  const names = new Set([...Object.keys(input.apiCalls), ...Object.keys(rules)]);
  const operations = [...names]
    .sort()
    .map((operation): CallPlanOperation => {
      const made = input.apiCalls[operation] ?? 0;
      const rule = rules[operation];
      if (rule) return { operation, made, ...rule };
      return MUTATING.test(operation)
        ? { operation, made, minimum: made, basis: 'a change the run required' }
        : { operation, made, minimum: 0, basis: 'a read nothing needed' };
    })
    .filter((o) => o.made > 0 || o.minimum > 0);
  const made = operations.reduce((n, o) => n + o.made, 0);
  const minimum = operations.reduce((n, o) => n + o.minimum, 0);
  const byOperation = Object.fromEntries(Object.entries(input.dynamoRequests).sort(([a], [b]) => a.localeCompare(b)));
  return {
    promotions: channelPromotions(input.promotions),
    operations,
    made,
    minimum,
    ratio: minimum === 0 ? null : Math.round((made / minimum) * 100) / 100,
    dynamo: { requests: Object.values(byOperation).reduce((n, c) => n + c, 0), byOperation },
  };
}

/**
 * The run's AWS request totals, the one definition every rendering prints (`simulate`, `--html`): `apiCalls` counts
 * the calls to every service but DynamoDB (whose requests `callPlan.dynamo` counts by operation); `all` is both.
 */
export function apiCallTotals(
  apiCalls: Readonly<Record<string, number>>,
  callPlan: Pick<CallPlanFigures, 'dynamo'> | undefined,
): { other: number; dynamo: number; all: number } {
  const other = Object.values(apiCalls).reduce((n, v) => n + v, 0);
  const dynamo = callPlan?.dynamo.requests ?? 0;
  return { other, dynamo, all: other + dynamo };
}

/** `12,345 + 6,789 DynamoDB = 19,134`, as the totals tables say it. */
export function apiCallTotalsText(totals: ReturnType<typeof apiCallTotals>): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(totals.other)} + ${n(totals.dynamo)} DynamoDB = ${n(totals.all)}`;
}

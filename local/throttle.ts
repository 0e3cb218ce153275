/**
 * Token-bucket throttling per (account, region, API bucket), refilled on the virtual clock.
 *
 * EC2 numbers are from "Request throttling for the Amazon EC2 API" (request token bucket sizes and refill rates):
 * non-mutating 100 / 20 per s; unfiltered-and-unpaginated non-mutating (DescribeSnapshots, DescribeInstances, ...)
 * 50 / 10; mutating 50 / 5; and uncategorized actions with their own buckets (ModifyImageAttribute 100 / 5,
 * CreateTags 100 / 10, CopyImage 100 / 1, ...). SSM: GetParameter, GetParameters and GetParametersByPath share a
 * default 40 TPS. SNS: ListSubscriptions and ListSubscriptionsByTopic 30 TPS each. AWS publishes no numbers for the
 * rest, so those are conservative guesses, marked below.
 */

export interface BucketLimit {
  /** Maximum tokens (the burst). */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/** Which bucket a call draws from: a name shared by the actions in one category, and its limit. */
export interface BucketChoice {
  readonly bucket: string;
  readonly limit: BucketLimit;
}

const EC2_NON_MUTATING: BucketLimit = { capacity: 100, refillPerSecond: 20 };
const EC2_UNFILTERED: BucketLimit = { capacity: 50, refillPerSecond: 10 };
const EC2_MUTATING: BucketLimit = { capacity: 50, refillPerSecond: 5 };

/** EC2 actions with their own documented buckets (the "uncategorized actions" table). */
const EC2_UNCATEGORIZED: Record<string, BucketLimit> = {
  CopyImage: { capacity: 100, refillPerSecond: 1 },
  CreateSnapshot: { capacity: 100, refillPerSecond: 5 },
  CreateTags: { capacity: 100, refillPerSecond: 10 },
  DeleteSnapshot: { capacity: 100, refillPerSecond: 5 },
  DeleteTags: { capacity: 100, refillPerSecond: 10 },
  DeregisterImage: { capacity: 100, refillPerSecond: 5 },
  ModifyImageAttribute: { capacity: 100, refillPerSecond: 5 },
  ModifySnapshotAttribute: { capacity: 100, refillPerSecond: 5 },
};

/** Non-mutating EC2 actions that use the smaller bucket when called with neither a filter nor pagination. */
const EC2_UNFILTERED_ACTIONS = new Set([
  'DescribeInstances',
  'DescribeInstanceStatus',
  'DescribeNetworkInterfaces',
  'DescribeSecurityGroups',
  'DescribeSnapshots',
  'DescribeSpotInstanceRequests',
  'DescribeVolumes',
]);

const isRead = (action: string): boolean => /^(Describe|List|Search|Get)/.test(action);

function ec2Bucket(action: string, input: Record<string, unknown>): BucketChoice {
  const own = EC2_UNCATEGORIZED[action];
  if (own) return { bucket: action, limit: own };
  if (!isRead(action)) return { bucket: 'mutating', limit: EC2_MUTATING };
  const filtered = input.Filters !== undefined || input.MaxResults !== undefined || input.NextToken !== undefined;
  if (EC2_UNFILTERED_ACTIONS.has(action) && !filtered) return { bucket: 'unfiltered', limit: EC2_UNFILTERED };
  return { bucket: 'non-mutating', limit: EC2_NON_MUTATING };
}

function ssmBucket(action: string): BucketChoice {
  if (action === 'GetParameter' || action === 'GetParameters' || action === 'GetParametersByPath') {
    return { bucket: 'get-parameters', limit: { capacity: 40, refillPerSecond: 40 } };
  }
  // Undocumented: PutParameter and the other writes are far lower than reads; assume 3 TPS.
  if (!isRead(action)) return { bucket: action, limit: { capacity: 3, refillPerSecond: 3 } };
  return { bucket: action, limit: { capacity: 20, refillPerSecond: 20 } };
}

/** The bucket a call to `service:action` draws from. Unknown services get a generous default bucket per action. */
export function bucketFor(service: string, action: string, input: Record<string, unknown> = {}): BucketChoice {
  switch (service) {
    case 'ec2':
      return ec2Bucket(action, input);
    case 'ssm':
      return ssmBucket(action);
    // Image Builder, Organizations, SNS and STS publish no per-API rates: conservative guesses, per action.
    case 'imagebuilder':
      return {
        bucket: action,
        limit: isRead(action) ? { capacity: 20, refillPerSecond: 10 } : { capacity: 10, refillPerSecond: 5 },
      };
    case 'organizations':
      return { bucket: action, limit: { capacity: 20, refillPerSecond: 10 } };
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html: BatchGetImage 2,000 and PutImage
    // 10 requests per second per region; the repository policy calls have no published rate (a guess: 20).
    case 'ecr':
      if (action === 'BatchGetImage') return { bucket: action, limit: { capacity: 2000, refillPerSecond: 2000 } };
      if (action === 'PutImage') return { bucket: action, limit: { capacity: 10, refillPerSecond: 10 } };
      return { bucket: action, limit: { capacity: 20, refillPerSecond: 20 } };
    // RAM publishes no per-API rates: a conservative guess, per action.
    case 'ram':
      return { bucket: action, limit: { capacity: 20, refillPerSecond: 10 } };
    // "This action is throttled at 30 transactions per second (TPS)"
    // (https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html, and the same on
    // API_ListSubscriptionsByTopic.html); the rest publish no rate: a generous guess, per action.
    case 'sns':
      if (action === 'ListSubscriptions' || action === 'ListSubscriptionsByTopic') {
        return { bucket: action, limit: { capacity: 30, refillPerSecond: 30 } };
      }
      return { bucket: action, limit: { capacity: 300, refillPerSecond: 300 } };
    case 'sts':
      return { bucket: action, limit: { capacity: 100, refillPerSecond: 50 } };
    // "The rate of lookup requests is limited to two per second, per account, per Region"
    // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
    case 'cloudtrail':
      return { bucket: action, limit: { capacity: 2, refillPerSecond: 2 } };
    // Auto Scaling publishes no per-API rates either: a conservative guess, per action and account.
    case 'autoscaling':
      return {
        bucket: action,
        limit: isRead(action) ? { capacity: 20, refillPerSecond: 10 } : { capacity: 10, refillPerSecond: 5 },
      };
    default:
      return { bucket: action, limit: { capacity: 100, refillPerSecond: 50 } };
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets keyed by account, region, service and bucket name; `now` is the virtual clock in ms. */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Takes one token for this call; false when the bucket is empty (the caller then throttles it). */
  take(account: string, region: string, service: string, action: string, input: Record<string, unknown> = {}): boolean {
    const { bucket, limit } = bucketFor(service, action, input);
    const key = `${account}/${region}/${service}/${bucket}`;
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: limit.capacity, at: now };
    b.tokens = Math.min(limit.capacity, b.tokens + ((now - b.at) / 1000) * limit.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    // A tiny epsilon so 0.2s × 5/s counts as one whole token despite floating point.
    if (b.tokens + 1e-9 < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Tokens left in the bucket this call would use (for tests and reports). */
  available(
    account: string,
    region: string,
    service: string,
    action: string,
    input: Record<string, unknown> = {},
  ): number {
    const { bucket, limit } = bucketFor(service, action, input);
    const b = this.buckets.get(`${account}/${region}/${service}/${bucket}`);
    if (!b) return limit.capacity;
    return Math.min(limit.capacity, b.tokens + ((this.now() - b.at) / 1000) * limit.refillPerSecond);
  }
}

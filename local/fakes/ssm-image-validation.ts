import { randomUUID } from 'node:crypto';
import type { AwsEvent } from './imagebuilder-model.js';

/**
 * Parameter Store's asynchronous check of an `aws:ec2:image` value, as AWS documents it
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html, "How AMI format
 * validation works"): PutParameter answers a version number before the value is validated; the validation runs with
 * the caller's own `ec2:DescribeImages` and checks the AMI is available to the account; when it fails "the parameter
 * will not be created or updated" (PutParameter's DataType,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html) and the only trace is a
 * "Parameter Store Change" event on the Region's default bus whose detail carries an `exception`
 * (the same page's sample: exception "Unable to Describe Resource", dataType, name, type, operation).
 * Users met it as a silent success: https://github.com/aws/aws-sdk-java/issues/2919,
 * https://github.com/boto/boto3/issues/3588.
 */

/**
 * How long the fake's validation takes, in virtual milliseconds. AWS documents no figure; two seconds is ours: long
 * enough that a read right after PutParameter still sees the old value, short enough that a step retried by
 * Step Functions (5 s and up) sees the outcome.
 */
export const IMAGE_VALIDATION_DELAY_MS = 2_000;

/** The exception AWS's sample event shows for a value it could not describe (our fake uses it for every failure). */
export const VALIDATION_EXCEPTION = 'Unable to Describe Resource';

/** What the local cloud tells the SSM fake so it can validate as AWS does; without it, values take at once. */
export interface ImageValidationHooks {
  /** The principal calling now (local/trust/caller.ts), or undefined when the local cloud cannot tell. */
  caller(): string | undefined;
  /** Whether IAM lets `principal` perform `action` (the caller's identity policies, as the stacks wrote them). */
  allows(principal: string, action: string, region: string): Promise<boolean>;
  /** Runs `fn` `ms` virtual milliseconds from now. */
  after(ms: number, label: string, fn: () => unknown): void;
  /** Puts an event on the Region's default bus. */
  put(event: AwsEvent): unknown;
}

/** One PutParameter of an `aws:ec2:image` value waiting for its validation. */
export interface PendingImageWrite {
  region: string;
  name: string;
  value: string;
  version: number;
  principal: string;
  operation: 'Create' | 'Update';
  meta: { Type: string; DataType: string; Tier: string };
}

/** A "Parameter Store Change" event as AWS puts it on the default bus (the sample on the page above). */
export function parameterStoreChange(
  write: Pick<PendingImageWrite, 'region' | 'name' | 'operation' | 'meta'>,
  account: string,
  at: Date,
  arn: string,
  exception?: string,
): AwsEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Parameter Store Change',
    source: 'aws.ssm',
    account,
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: write.region,
    resources: [arn],
    detail: {
      ...(exception ? { exception } : {}),
      dataType: write.meta.DataType,
      name: write.name,
      type: write.meta.Type,
      operation: write.operation,
    },
  };
}

/** What the validation needs of the SSM fake and the EC2 fake it validates against. */
export interface ValidationTarget {
  readonly accountId: string;
  /** Whether the account can see (launch) the AMI in the Region: EC2's answer to the caller's DescribeImages. */
  launchable(region: string, imageId: string): boolean;
  arn(region: string, name: string): string;
  now(): number;
  /** Makes the write's version the parameter's latest (GetParameter shows it). */
  commit(write: PendingImageWrite): void;
}

/**
 * The validations in flight: each runs IMAGE_VALIDATION_DELAY_MS after its PutParameter, as the caller, with its
 * ec2:DescribeImages; the AMI must exist in the Region and be launchable by the account. Only then does the version
 * take; otherwise nothing changes, and either way a "Parameter Store Change" event reports it.
 */
export class ImageValueValidation {
  constructor(
    readonly hooks: ImageValidationHooks,
    private readonly target: ValidationTarget,
  ) {}

  /** Schedules the validation of a write PutParameter answered `write.version` for. */
  start(write: PendingImageWrite): void {
    this.hooks.after(IMAGE_VALIDATION_DELAY_MS, `ssm validates ${write.name} v${write.version}`, () =>
      this.validate(write),
    );
  }

  private async validate(write: PendingImageWrite): Promise<void> {
    const allowed = await this.hooks.allows(write.principal, 'ec2:DescribeImages', write.region);
    const ok = allowed && this.target.launchable(write.region, write.value);
    if (ok) this.target.commit(write);
    const { accountId } = this.target;
    const at = new Date(this.target.now());
    const arn = this.target.arn(write.region, write.name);
    this.hooks.put(parameterStoreChange(write, accountId, at, arn, ok ? undefined : VALIDATION_EXCEPTION));
  }
}

import {
  AUTO_SCALING_GRANT_OPERATIONS,
  AUTO_SCALING_SERVICE,
  autoScalingGrantName,
} from '../core/sharing/key-grants.js';

/**
 * The member baseline's custom resource: in a member account and Region, it makes sure EC2 Auto Scaling's
 * service-linked role exists, then gives it the grant on the factory's AMI key in that Region that lets Auto Scaling
 * launch Goldsmith's encrypted AMIs (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html,
 * example 2). It runs inline in the member account (no middy, no Powertools: the whole bundle must stay under 4 KB),
 * and it always answers CloudFormation: a custom resource that never answers holds the stack until its service timeout
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html, `ServiceTimeout`).
 */

/** The request CloudFormation sends a custom resource's function. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  /** On Update: the properties before it. */
  OldResourceProperties?: Record<string, unknown>;
}

/** What the function PUTs to the event's ResponseURL. */
export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

/** The AWS calls and the clock the handler uses: the runtime's SDK in Lambda, fakes in tests and the local cloud. */
export interface MemberCalls {
  /** IAM CreateServiceLinkedRole; throws AWS's error (its `name` is the error code). */
  createServiceLinkedRole(input: { AWSServiceName: string }): Promise<unknown>;
  /** KMS CreateGrant. */
  createGrant(input: {
    KeyId: string;
    GranteePrincipal: string;
    Operations: string[];
    Name: string;
    RetiringPrincipal?: string;
  }): Promise<{ GrantId?: string }>;
  /** KMS RetireGrant. */
  retireGrant(input: { KeyId: string; GrantId: string }): Promise<unknown>;
  /** The PUT of the response to CloudFormation's presigned URL. */
  respond(url: string, response: CustomResourceResponse): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Milliseconds left before Lambda stops the function. */
  remainingMs(): number;
}

/** How long the grant waits for a just-created role to become visible to KMS: 1 s, doubling, at most these tries. */
export const GRANT_ATTEMPTS = 8;
/**
 * A new grant is in force throughout KMS after "a brief delay, usually less than five minutes"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html), and Auto Scaling cannot use its grant
 * token: the function waits that long before answering, so a CURRENT stack instance means a group can launch.
 */
export const GRANT_SETTLE_MS = 300_000;
/** Kept for answering CloudFormation after the last retry, whatever Lambda's timeout. */
const ANSWER_RESERVE_MS = 10_000;

/** The physical id of a grant: CloudFormation hands it back on Update and Delete. */
const GRANT_ID = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[^#]+)#(.+)$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;
const ROLE_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling$/;
const ACCOUNT_ARN = /^arn:aws[a-z-]*:iam::\d{12}:root$/;

class Refused extends Error {}

/**
 * The key, grantee and retiring principal the resource's properties name, checked: a bad one is refused naming the
 * property. The retiring principal (optional) is the factory's account, which may then retire the grant of an account
 * that no longer reaches its stack (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html,
 * `RetiringPrincipal`: "Valid principals include Amazon Web Services accounts").
 */
function propertiesOf(
  event: CustomResourceEvent,
  region: string,
): { keyArn: string; roleArn: string; retiring: string | undefined } {
  const { KeyArn, AutoScalingRoleArn, RetiringPrincipal } = event.ResourceProperties;
  const keyRegion = typeof KeyArn === 'string' ? KEY_ARN.exec(KeyArn)?.[1] : undefined;
  if (!keyRegion) throw new Refused(`KeyArn must be a KMS key ARN, got ${JSON.stringify(KeyArn)}`);
  if (keyRegion !== region) throw new Refused(`KeyArn must be a key in ${region} (this stack's Region), got ${KeyArn}`);
  if (typeof AutoScalingRoleArn !== 'string' || !ROLE_ARN.test(AutoScalingRoleArn))
    throw new Refused(
      `AutoScalingRoleArn must be the account's AWSServiceRoleForAutoScaling ARN, got ${AutoScalingRoleArn}`,
    );
  if (
    RetiringPrincipal !== undefined &&
    !(typeof RetiringPrincipal === 'string' && ACCOUNT_ARN.test(RetiringPrincipal))
  )
    throw new Refused(`RetiringPrincipal must be an account's root ARN, got ${JSON.stringify(RetiringPrincipal)}`);
  return { keyArn: KeyArn as string, roleArn: AutoScalingRoleArn, retiring: RetiringPrincipal };
}

/**
 * Creates Auto Scaling's service-linked role unless it exists. IAM answers InvalidInput "has been taken" when it
 * does (https://github.com/DataDog/pathfinding-labs/issues/23); the resource never deletes it: IAM is global, and
 * the other Regions' stacks and the account's groups use it.
 */
async function ensureAutoScalingRole(calls: MemberCalls): Promise<void> {
  try {
    await calls.createServiceLinkedRole({ AWSServiceName: AUTO_SCALING_SERVICE });
  } catch (error) {
    const e = error as Error;
    if (!(e.name.startsWith('InvalidInput') && /has been taken/.test(e.message))) throw error;
  }
}

/**
 * The named grant: a rerun with the same name, grantee and operations returns the same grant
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, `Name`). A role IAM has just created
 * may not be visible to KMS yet (InvalidArnException: https://github.com/hashicorp/terraform-provider-aws/pull/3038),
 * so that error is retried with backoff, within the function's remaining time.
 */
async function grant(
  calls: MemberCalls,
  { keyArn, roleArn, retiring }: { keyArn: string; roleArn: string; retiring: string | undefined },
  name: string,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { GrantId } = await calls.createGrant({
        KeyId: keyArn,
        GranteePrincipal: roleArn,
        Operations: [...AUTO_SCALING_GRANT_OPERATIONS],
        Name: name,
        ...(retiring ? { RetiringPrincipal: retiring } : {}),
      });
      if (!GrantId) throw new Error(`CreateGrant on ${keyArn} answered no GrantId`);
      return GrantId;
    } catch (error) {
      const wait = 1000 * 2 ** (attempt - 1);
      const again = attempt < GRANT_ATTEMPTS && calls.remainingMs() > wait + ANSWER_RESERVE_MS;
      if ((error as Error).name !== 'InvalidArnException' || !again) throw error;
      await calls.sleep(wait);
    }
  }
}

/** Retires the grant a physical id names; one already gone (or never made) is done. */
async function retire(calls: MemberCalls, physicalId: string | undefined): Promise<void> {
  const m = GRANT_ID.exec(physicalId ?? '');
  if (!m) return;
  try {
    await calls.retireGrant({ KeyId: m[1]!, GrantId: m[2]! });
  } catch (error) {
    if ((error as Error).name !== 'NotFoundException') throw error;
  }
}

/**
 * Handles one CloudFormation request and answers it, whatever happens. Create and Update make the role and the
 * grant (an Update whose key changed returns a new physical id, and CloudFormation then sends Delete for the old
 * grant); Delete retires the grant and keeps the role.
 */
export async function onBaselineEvent(event: CustomResourceEvent, calls: MemberCalls, region: string): Promise<void> {
  // Until a grant exists, the physical id names none: a Delete after a failed Create has nothing to retire.
  let physicalId = event.PhysicalResourceId ?? `no-grant-${event.LogicalResourceId}`;
  let reason = '';
  let data: Record<string, string> | undefined;
  try {
    if (event.RequestType === 'Delete') {
      await retire(calls, event.PhysicalResourceId);
    } else {
      const properties = propertiesOf(event, region);
      await ensureAutoScalingRole(calls);
      const grantId = await grant(calls, properties, autoScalingGrantName(event.StackId));
      physicalId = `${properties.keyArn}#${grantId}`;
      data = { GrantId: grantId };
      const settle = Math.min(GRANT_SETTLE_MS, calls.remainingMs() - ANSWER_RESERVE_MS);
      if (settle > 0) await calls.sleep(settle);
    }
  } catch (error) {
    const e = error as Error;
    reason = e instanceof Refused ? e.message : `${e.name}: ${e.message}`;
  }
  await calls.respond(event.ResponseURL, {
    Status: reason ? 'FAILED' : 'SUCCESS',
    Reason: reason || 'ok',
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(data ? { Data: data } : {}),
  });
}

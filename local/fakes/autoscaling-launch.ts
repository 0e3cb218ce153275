import type { Ec2Fake } from './ec2.js';
import type { KmsFake } from './kms.js';
import { autoScalingGrantRefusal, autoScalingRole, launchRefusal, memberRole } from './kms-launch.js';
import type { OrganizationsFake } from './organizations.js';
import type { SsmFake } from './ssm.js';

/**
 * What EC2 asks of an Auto Scaling launch in a member account, as the fleets' own launches: the AMI exists and is
 * shared with the account, and the key its snapshots are encrypted with lets the account's Auto Scaling role launch
 * through EC2: a grant in force — the member baseline's (local/fakes/stacksets.ts) where its stack set targets the
 * account and Region — or, elsewhere, a key that lets the account give the role the documented grant by hand
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
 * A key the local KMS does not hold (an unencrypted public image, a test without keys) asks nothing more.
 */
export function launchCheckFor(
  ec2: Ec2Fake,
  kms: KmsFake,
  organizations: OrganizationsFake,
  baseline: { targets(account: string, region: string): boolean },
): (account: string, region: string, imageId: string) => string | undefined {
  return (account, region, imageId) => {
    if (!ec2.isLaunchableBy(region, imageId, account, organizations))
      return `Client.InvalidAMIID.NotFound: the AMI ${imageId} does not exist or is not shared with account ${account}`;
    const ami = ec2.images.get(imageId);
    const keyRef = ami?.snapshotIds.map((s) => ec2.snapshots.get(s)?.kmsKeyId).find((k) => k !== undefined);
    if (keyRef === undefined || kms.key(region, keyRef) === undefined) return undefined;
    const org = organizations.isMember(account) ? organizations.organizationArn().split('/').at(-1) : undefined;
    const refusal = launchRefusal(kms, region, keyRef, autoScalingRole(account, org));
    // Where the member baseline reaches, its stack instance's grant is the only one: until it is in force, the launch
    // fails. Elsewhere the account's team gives its role the grant by hand (docs/consumers.md), whenever the key
    // lets the account do so.
    const byHand =
      !baseline.targets(account, region) &&
      autoScalingGrantRefusal(kms, region, keyRef, memberRole(account, org)) === undefined;
    if (refusal !== undefined && byHand) return undefined;
    // The state reason EC2 gives an instance its key refuses (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html).
    return refusal === undefined
      ? undefined
      : `Client.InternalError: Client error on launch (the key refuses ${refusal})`;
  };
}

/** The AMI a template's ImageId names: itself, or the value of its `resolve:ssm:` parameter in that Region. */
export function imageResolver(ssm: SsmFake): (account: string, region: string, ref: string) => string | undefined {
  return (_account, region, ref) => {
    if (!ref.startsWith('resolve:ssm:')) return ref;
    const name = ref.slice('resolve:ssm:'.length).replace(/^arn:aws[a-z-]*:ssm:[^:]*:\d{12}:parameter/, '');
    return ssm.value(region, name.replace(/:[^/:]+$/, ''));
  };
}

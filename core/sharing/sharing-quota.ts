import { GoldsmithError } from '../errors.js';
import { AMI_SHARING_ENTITIES_MAX } from '../limits/ami-sharing.js';
import { grantKey, type LaunchGrant } from './grants.js';

/**
 * EC2's AMI sharing quota: the organizations, OUs and accounts one AMI is shared with in one Region (the accounts
 * inside a shared organization or OU do not count; public access is no entity). Default 1,000, adjustable
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html). Past it, ModifyImageAttribute is refused
 * with `ResourceLimitExceeded`, the code EC2 gives its AMI quotas
 * (https://github.com/iterative/studio-selfhosted/pull/90 shows it for the public AMIs quota).
 */
export const AMI_SHARING_QUOTA = AMI_SHARING_ENTITIES_MAX;

/** The sharing entities of a launch permission list: organization ARNs, OU ARNs and account ids, each once. */
export function sharingEntities(grants: readonly LaunchGrant[]): number {
  return new Set(grants.filter((g) => !('Group' in g)).map(grantKey)).size;
}

/** One channel's share of what a version would be shared with. */
export interface ChannelEntities {
  readonly channel: string;
  readonly entities: number;
}

/**
 * What Share would leave in force on a version's AMIs, and where. The planner's calls turn whatever is held into
 * exactly the desired grants (held, plus added, minus removed: core/sharing/planner.ts), so the count after the
 * change is the desired set's, known before EC2 is read.
 */
export interface SharingQuotaCheck {
  readonly image: string;
  readonly version: string;
  readonly regions: readonly string[];
  /** Entities in force on each AMI after the change (the channels' union, simplified). */
  readonly entities: number;
  /** Each channel's own entities, in catalog order. */
  readonly channels: readonly ChannelEntities[];
  /** The quota as raised for this account (the catalog's `quotas.amiSharing`); default 1,000. */
  readonly quota?: number | undefined;
}

/**
 * A sharing change Goldsmith refused before calling EC2: it would leave more entities on an AMI than EC2's AMI
 * sharing quota allows. Permanent: retrying cannot succeed until the targets or the quota change.
 */
export class AmiSharingQuotaError extends GoldsmithError {
  constructor(
    message: string,
    readonly check: SharingQuotaCheck,
  ) {
    super(message);
    this.name = 'AmiSharingQuotaExceeded';
  }
}

const n = (v: number) => v.toLocaleString('en-US');

/** The refusal's sentence: the image, version, channels, Regions, the count and the quota, and the ways out. */
export function sharingQuotaMessage(c: SharingQuotaCheck): string {
  const quota = c.quota ?? AMI_SHARING_QUOTA;
  const channels = c.channels.map((ch) => `${ch.channel} ${n(ch.entities)}`).join(', ');
  return (
    `${c.image} ${c.version} would be shared with ${n(c.entities)} entities (organizations, OUs, accounts) per AMI ` +
    `in ${c.regions.join(', ')}, over EC2's AMI sharing quota of ${n(quota)} per AMI and Region ` +
    `(channels: ${channels}); nothing was changed. Target OUs or the organization instead of accounts one by one, ` +
    `or raise the "AMI sharing" quota in Service Quotas (Amazon EC2) in each of these Regions (docs/deploy.md)`
  );
}

/**
 * Refuses a sharing change that would leave more than `quota` entities on the AMIs: pure, called before any
 * ModifyImageAttribute, so a refused change leaves what is in force as it was.
 * @throws AmiSharingQuotaError naming the image, version, channels, Regions, the count and the quota.
 */
export function assertWithinSharingQuota(check: SharingQuotaCheck): void {
  if (check.entities > (check.quota ?? AMI_SHARING_QUOTA))
    throw new AmiSharingQuotaError(sharingQuotaMessage(check), check);
}

import type { TargetsSpec } from '../config/schema.js';

/** A channel's vulnerability policy: the most findings of each severity an image may carry into the channel. */
export interface VulnerabilityPolicy {
  maxCritical: number;
  maxHigh: number;
  maxMedium?: number | undefined;
  /** Severities whose finding on a promoted version revokes it (the catalog's `vulnerabilities.revokeOn`). */
  revokeOn?: ('critical' | 'high' | 'medium')[] | undefined;
}

/** One channel of an image's promotion, resolved from the catalog: everything the state machine needs. */
export interface ChannelStep {
  name: string;
  policy: VulnerabilityPolicy;
  approval?: { approvers: string[]; timeoutSeconds: number } | undefined;
  soakSeconds?: number | undefined;
  targets: TargetsSpec;
  /** The channel before this one in the image's plan: it must have been promoted before this one is entered. */
  after?: string | undefined;
  /** Set when the channel rolls its versions out to member groups (`channels[i].rollout`). */
  rollsOut?: true;
}

/** An image's promotion plan: channels in catalog order, distribution regions, retention and lineage. */
export interface PromotionPlan {
  image: string;
  regions: string[];
  retentionKeep: number;
  /** Retention in seconds: how long retired versions and never-promoted builds stay before deletion. */
  retention?:
    | {
        deleteAfterSeconds: number;
        unpromotedGraceSeconds: number;
        /** `retention.deprecateAfter`: every AMI of a build is deprecated this long after the build was created. */
        deprecateAfterSeconds?: number | undefined;
        /** `retention.holdInUseFor`: how long a deletion waits for a version's users before an operator is asked. */
        holdInUseForSeconds?: number | undefined;
      }
    | undefined;
  parent?: { image: string; channel: string } | undefined;
  /** `revocation.descendants: 'revoke'`: revoking a version of this image revokes the versions built on it too. */
  revokeDescendants?: boolean | undefined;
  channels: ChannelStep[];
}

/** The state machine's execution input, written by on-image-event. */
export interface PromotionInput {
  image: string;
  buildVersionArn: string;
  /** Image Builder's build version, `1.0.0/3`. */
  version: string;
  plan: PromotionPlan;
}

/** An AMI in one distribution region. */
export interface RegionAmi {
  region: string;
  imageId: string;
}

/** Counts of vulnerability findings by severity (Inspector's names, upper case). */
export interface FindingCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  other: number;
}

/** How a channel decision ended. */
export type PromotionOutcome = 'promoted' | 'rejected' | 'expired' | 'aborted';

/** A failure as Step Functions hands it to a Catch: `{ Error, Cause }`. */
export interface CaughtFailure {
  Error: string;
  Cause?: string | undefined;
}

/** The ledger's current `CHANNEL#` pointer: the build a channel names now (aws/promotion/channel-pointers.ts). */
export interface ChannelPointer {
  image: string;
  channel: string;
  version: string;
  buildVersionArn: string;
  amis: RegionAmi[];
  at: string;
}

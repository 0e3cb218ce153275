import { GoldsmithError } from '../errors.js';
import type { BuildLineage } from '../lifecycle/lineage-hold.js';
import type { ChannelStep, FindingCounts, RegionAmi } from './types.js';

/**
 * What must already stand in the ledger before a promotion step acts on the organization. The task functions are
 * invoked by Step Functions, but a Lambda function cannot tell that from a direct `lambda:Invoke` by any role of the
 * factory account allowed to invoke it, so no step takes a fact from its input: the build comes from what LoadImage
 * read from Image Builder, the channel from the bundled catalog, and each earlier step's verdict from the record that
 * step wrote after checking its own facts. A step whose preconditions do not hold is refused whole.
 */

/** A build as LoadImage read it from Image Builder (GetImage), recorded on the `BUILD#<version>` item. */
export interface LoadedBuildFacts {
  buildVersionArn: string;
  status: string;
  testsEnabled: boolean;
  amis: RegionAmi[];
  containers: { region: string; imageUri: string }[];
  deprecateAt?: string | undefined;
  loadedAt: string;
}

/** The ledger's records about one build's channel, read together (one BatchGetItem). */
export interface ChannelFacts {
  loaded?: LoadedBuildFacts | undefined;
  /** The build item's flag and recorded parent (core/lifecycle/lineage-hold.ts). */
  lineage?: BuildLineage | undefined;
  /** This channel's decision, if any. */
  outcome?: { outcome: string; by?: string | undefined } | undefined;
  /** The decision of the channel before this one (`after`). */
  previous?: { outcome: string } | undefined;
  /** Gate's pass, written by Gate after it checked the loaded build against the catalog's policy. */
  gate?: { passedAt: string; findings: FindingCounts } | undefined;
  approval?:
    | {
        decision?: string | undefined;
        by?: string | undefined;
        decidedAt?: string | undefined;
        reason?: string | undefined;
      }
    | undefined;
  soak?: { until: string; state: string; startedAt?: string | undefined; passedAt?: string | undefined } | undefined;
  revocation?: { state?: string | undefined; reason?: string | undefined } | undefined;
}

/** A step was asked to act on a build whose earlier steps the ledger does not record. Nothing was changed. */
export class PreconditionsUnmetError extends GoldsmithError {
  constructor(step: string, reasons: readonly string[]) {
    super(`${step} refused: ${reasons.join('; ')}`);
    this.name = 'PreconditionsUnmet';
  }
}

/** Whether the loaded build is the one named, and available; reasons when not. */
export function unmetBuild(facts: ChannelFacts, buildVersionArn: string, version: string): string[] {
  const loaded = facts.loaded;
  if (!loaded) return [`the ledger records no build ${version} loaded from Image Builder`];
  if (loaded.buildVersionArn !== buildVersionArn) {
    return [`the ledger records ${loaded.buildVersionArn} as ${version}, not ${buildVersionArn}`];
  }
  return loaded.status === 'AVAILABLE' ? [] : [`${version} is ${loaded.status}, not AVAILABLE`];
}

/** Whether the channel before this one was promoted; a reason when not. */
export function unmetPrevious(facts: ChannelFacts, channel: Pick<ChannelStep, 'after'>): string[] {
  if (!channel.after || facts.previous?.outcome === 'promoted') return [];
  return [`${channel.after} was not promoted`];
}

/**
 * Share and Publish: the build is the one loaded, the channel is undecided (or promoted: a retry), the channel
 * before it was promoted, Gate passed this channel, its approval (when the catalog asks for one) was given, and its
 * soak (when the catalog asks for one) ended and was checked.
 */
export function unmetToPromote(
  facts: ChannelFacts,
  target: {
    buildVersionArn: string;
    version: string;
    channel: Pick<ChannelStep, 'name' | 'after' | 'approval' | 'soakSeconds'>;
  },
): string[] {
  const { channel } = target;
  const reasons = [...unmetBuild(facts, target.buildVersionArn, target.version), ...unmetPrevious(facts, channel)];
  if (facts.outcome && facts.outcome.outcome !== 'promoted') {
    reasons.push(`${channel.name} was already ${facts.outcome.outcome}`);
  }
  if (!facts.gate) reasons.push(`Gate has not passed ${target.version} into ${channel.name}`);
  if (channel.approval && facts.approval?.decision !== 'approve') {
    reasons.push(`no approver has approved ${target.version} for ${channel.name}`);
  }
  if (channel.soakSeconds && !facts.soak?.passedAt) {
    reasons.push(`the ${channel.name} soak has not ended and been checked`);
  }
  // The catalog's order is Gate, approval, soak: a soak that began before the approval is not the soak it asks for.
  if (channel.approval && channel.soakSeconds && facts.soak?.passedAt && !soakFollowsApproval(facts)) {
    reasons.push(`the ${channel.name} soak began before ${target.version} was approved`);
  }
  return reasons;
}

/** Whether the recorded soak began at or after the recorded approval (both must be there). */
export function soakFollowsApproval(facts: ChannelFacts): boolean {
  const approved = Date.parse(facts.approval?.decidedAt ?? '');
  const started = Date.parse(facts.soak?.startedAt ?? '');
  return !Number.isNaN(approved) && !Number.isNaN(started) && started >= approved;
}

/** How early a soak's own timeout may end it against the `until` SoakStart recorded (the task began first). */
export const SOAK_END_TOLERANCE_MS = 60_000;

/** SoakCheck: Gate passed, and the soak it checks ended (its time elapsed, or an operator ended it early). */
export function unmetSoakEnded(facts: ChannelFacts, channel: string, now: Date): string[] {
  const reasons: string[] = [];
  if (!facts.gate) reasons.push(`Gate has not passed ${channel}`);
  const soak = facts.soak;
  if (!soak) reasons.push(`no ${channel} soak was started`);
  else if (soak.state !== 'ended-early' && Date.parse(soak.until) - now.getTime() > SOAK_END_TOLERANCE_MS) {
    reasons.push(`the ${channel} soak lasts until ${soak.until}`);
  }
  return reasons;
}

/**
 * A soak of this build in this channel that already ended (its time elapsed, or an operator ended it early) and
 * followed the approval where the channel asks for one: the soak a resumed promotion continues from, by going on to
 * SoakCheck, instead of soaking the channel again. Undefined when there is none (no soak yet, or one still running).
 */
export function soakAlreadyEnded(
  facts: Pick<ChannelFacts, 'soak' | 'approval'>,
  channel: Pick<ChannelStep, 'approval' | 'soakSeconds'>,
  now: Date,
): { startedAt: string; until: string } | undefined {
  const soak = facts.soak;
  if (!channel.soakSeconds || !soak?.startedAt) return undefined;
  const ended = soak.state === 'ended-early' || Date.parse(soak.until) - now.getTime() <= SOAK_END_TOLERANCE_MS;
  if (!ended) return undefined;
  if (channel.approval && !soakFollowsApproval(facts)) return undefined;
  return { startedAt: soak.startedAt, until: soak.until };
}

import { GoldsmithError } from '../errors.js';
import type { RegionAmi } from '../promotion/types.js';

/**
 * A rollout's AMIs come from the ledger, never from its input ("Facts only from the ledger", docs/security.md): the
 * build LoadImage recorded, the channel pointer's move Publish recorded for that version (`POINTER#<channel>#<version>`,
 * written only once Parameter Store held it in every Region), the channel's pointer naming that version now (a move
 * recorded once is not enough: an operator's rollback or a newer promotion moved it since), and no revocation of the
 * version in force (one an operator restored since is none).
 */
export interface RolloutFacts {
  /** The build's AMIs as LoadImage read them from Image Builder (`loaded` on `BUILD#<version>`). */
  buildAmis?: readonly RegionAmi[] | undefined;
  /** The channel pointer's move to this version, per Region, as Publish recorded it. */
  pointerMove?: { regions: readonly { region: string; value: string }[] } | undefined;
  /** Any revocation of the version (requested, carried out, or restored since). */
  revocation?: { state?: string | undefined } | undefined;
  /** The version the channel's pointer names now (`CHANNEL#<channel>`), if any. */
  current?: { version: string } | undefined;
  /** The version's current promotion attempt (core/promotion/attempts.ts), once a second one began. */
  attempt?: number | undefined;
}

/** A rollout that must not start: the ledger does not say its version is published to the channel. Never retried. */
export class RolloutRefusedError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutRefused';
  }
}

/**
 * Region → AMI id to roll out: the channel pointer's value in each Region of its recorded move, each one an AMI of
 * the build. Throws RolloutRefusedError, naming what is missing, when the version was not published to the channel,
 * is not what the channel's pointer names now, is revoked, or the pointer names an AMI that is not the build's.
 */
export function rolloutAmis(
  at: { image: string; channel: string; version: string },
  facts: RolloutFacts,
): Record<string, string> {
  const what = `${at.image} ${at.version} to ${at.channel}`;
  const refuse = (why: string) => new RolloutRefusedError(`rollout of ${what} refused: ${why}`);
  // A restored version is no longer revoked: a later promotion attempt publishes it, and its rollout runs.
  if (facts.revocation && facts.revocation.state !== 'restored') {
    throw refuse(`the version is revoked (${facts.revocation.state ?? 'requested'})`);
  }
  if (!facts.buildAmis || facts.buildAmis.length === 0) throw refuse('the ledger holds no loaded build with AMIs');
  if (!facts.pointerMove || facts.pointerMove.regions.length === 0)
    throw refuse(`the ledger records no move of the ${at.channel} pointer to this version (not published)`);
  if (facts.current?.version !== at.version) {
    const now = facts.current ? `names ${facts.current.version}` : 'names no version';
    throw refuse(`the ${at.channel} pointer ${now} now: only the version it holds rolls out`);
  }
  const amis: Record<string, string> = {};
  for (const { region, value } of facts.pointerMove.regions) {
    const built = facts.buildAmis.find((a) => a.region === region);
    if (built?.imageId !== value) throw refuse(`the pointer in ${region} names ${value}, not the build's AMI there`);
    amis[region] = value;
  }
  return amis;
}

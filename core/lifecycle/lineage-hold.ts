/**
 * What revocation decided about the versions built on a revoked one (`revocation.descendants: 'rebuild'`): they are
 * flagged, held out of every further channel, and replaced by a rebuild on the rolled-back parent, or, where the
 * revocation left the parent channel empty, by a build on the next parent version promoted there. The promotion's
 * Gate, SoakCheck and the delivery of an approval read the hold from the ledger where they decide, so a step retried
 * after the flag was written sees it too, and so does a version whose build was recorded after its parent's
 * revocation flagged the builds it knew of.
 */

/** One version of a lineage as the ledger records it: its own flag, and whether it was revoked. */
export interface LineageLink {
  image: string;
  version: string;
  /** The flag revocation wrote on the build (`flaggedReason` on `BUILD#<version>`). */
  flaggedReason?: string | undefined;
  /** The reason of a revocation carried out (`REVOCATION#<version>` in state `revoked`). */
  revokedReason?: string | undefined;
  /** Why the version of the parent it was made from is not known (`parent.unknown` on its build): held. */
  parentUnknown?: string | undefined;
  /** The parent's channel its build followed (`parent.channel` on its build). */
  follows?: string | undefined;
  /** Of a revoked version: the channels its revocation left empty (no earlier launchable version to roll back to). */
  withdrawn?: readonly string[] | undefined;
}

/**
 * A parent channel a revocation left empty: the versions held by it wait for a new parent version there, since there
 * is no earlier one to rebuild on.
 */
export interface AwaitedParent {
  image: string;
  channel: string;
}

/** A build item's lineage fields as the ledger holds them: its flag, and the parent build it was made from. */
export interface BuildLineage {
  flaggedReason?: string | undefined;
  parent?:
    | { image: string; channel?: string | undefined; buildVersion?: string | undefined; unknown?: string | undefined }
    | null
    | undefined;
}

/** The reason a flag gives: "built on revoked al2023-base 1.0.0/5". */
export function builtOnRevokedReason(image: string, version: string): string {
  return `built on revoked ${image} ${version}`;
}

/**
 * Why a version may not pass a gate, a soak check or an approval, or undefined when nothing in its lineage is
 * revoked. `chain` is the version itself first, then its parent, its parent's parent…, as recorded lineage names
 * them (the parent build each build was made from). The version's own revocation is not a hold (the promotion stops
 * for it as revoked); its own flag is, and so is any ancestor revoked or flagged, whether or not the flag reached
 * this version. So is a parent version the record could not tell (`parentUnknown`), of the version or an ancestor:
 * a lineage that cannot be followed is not trusted. Pure.
 */
export function lineageHold(chain: readonly LineageLink[]): string | undefined {
  const [self, ...ancestors] = chain;
  if (!self) return undefined;
  if (self.flaggedReason) return self.flaggedReason;
  if (self.parentUnknown) return self.parentUnknown;
  const parent = ancestors[0];
  for (const [depth, ancestor] of ancestors.entries()) {
    const through = depth > 0 && parent ? ` (through ${parent.image} ${parent.version})` : '';
    if (ancestor.revokedReason !== undefined) {
      return `${builtOnRevokedReason(ancestor.image, ancestor.version)}${through}`;
    }
    if (ancestor.flaggedReason) {
      return `built on ${ancestor.image} ${ancestor.version}, itself ${ancestor.flaggedReason}${through}`;
    }
    if (ancestor.parentUnknown) {
      return `built on ${ancestor.image} ${ancestor.version}, whose ${ancestor.parentUnknown}${through}`;
    }
  }
  return undefined;
}

/**
 * Whether the hold `lineageHold` finds in `chain` comes from a revocation (an ancestor revoked, or flagged by one),
 * not from a parent version the record could not tell: what a revocation's flag says, so a version built after the
 * revocation flagged what was built then can be flagged the same way. Pure.
 */
export function builtOnRevokedHold(chain: readonly LineageLink[]): boolean {
  const [self, ...ancestors] = chain;
  if (!self || self.parentUnknown) return false;
  const first = ancestors.find((a) => a.revokedReason !== undefined || a.flaggedReason || a.parentUnknown);
  return !!first && (first.revokedReason !== undefined || !!first.flaggedReason);
}

/** A flag's `flagAwaits` as the ledger holds it (revocation writes it with the flag), or undefined. Pure. */
export function flagAwaitsOf(value: unknown): AwaitedParent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { image, channel } = value as Record<string, unknown>;
  return typeof image === 'string' && typeof channel === 'string' ? { image, channel } : undefined;
}

/**
 * The parent channel a held version waits on, or undefined when its lineage is rebuilt on the rolled-back parent:
 * the first revoked ancestor's revocation left the channel its child in the chain follows empty. Pure.
 */
export function awaitedParentOf(chain: readonly LineageLink[]): AwaitedParent | undefined {
  for (const [depth, link] of chain.entries()) {
    if (depth === 0 || link.revokedReason === undefined) continue;
    const channel = chain[depth - 1]?.follows;
    return channel && link.withdrawn?.includes(channel) ? { image: link.image, channel } : undefined;
  }
  return undefined;
}

/**
 * Of a version built below a child of the revoked one (a grandchild, or farther): the image it was built on and that
 * image's channel it follows. Its own rebuild waits for that image's rebuild to be promoted there (a cascade build,
 * in lineage order), not for the rolled-back parent.
 */
export type RebuiltParent = AwaitedParent;

/**
 * The parent a held version's replacement waits on when it is farther down than a child of the revoked version
 * (the first revoked ancestor is its grandparent or above): its own parent, at the channel it follows. Pure.
 */
export function rebuiltParentOf(chain: readonly LineageLink[]): RebuiltParent | undefined {
  const depth = chain.findIndex((link, i) => i > 0 && link.revokedReason !== undefined);
  const parent = chain[1];
  const channel = chain[0]?.follows;
  return depth >= 2 && parent && channel ? { image: parent.image, channel } : undefined;
}

/**
 * What replaces a held version: its rebuild on the rolled-back parent (the revocation asked for it), or, when the
 * revocation left the parent channel empty, nothing until a new parent version is built and promoted there (the
 * child's build on that one is promoted instead). A grandchild (`via`: the image it was built on, at the channel it
 * follows) is rebuilt once that image's own rebuild is promoted to that channel.
 */
export function heldInstead(awaits?: AwaitedParent | undefined, via?: RebuiltParent | undefined): string {
  const then = via ? `, then ${via.image} is built on it and promoted to ${via.channel}` : '';
  if (!awaits) {
    if (!via) return 'its rebuild on the rolled-back parent is promoted instead';
    return (
      `held until ${via.image} is rebuilt on the rolled-back parent and promoted to ${via.channel}; ` +
      'its rebuild on that one is promoted instead'
    );
  }
  return (
    `held until a new ${awaits.image} version is built and promoted to ${awaits.channel} (no earlier one is left ` +
    `there to rebuild on)${then}; the build made on that one is promoted instead`
  );
}

/** The reason a held version's promotion stops with: the hold, and what happens instead. */
export function heldOutcomeReason(
  hold: string,
  awaits?: AwaitedParent | undefined,
  via?: RebuiltParent | undefined,
): string {
  return `${hold}: held, it passes no further gate, soak check or approval; ${heldInstead(awaits, via)}`;
}

/**
 * What revocation decided about the versions built on a revoked one (`revocation.descendants: 'rebuild'`): they are
 * flagged, held out of every further channel, and replaced by a rebuild on the rolled-back parent. The promotion's
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
}

/** A build item's lineage fields as the ledger holds them: its flag, and the parent build it was made from. */
export interface BuildLineage {
  flaggedReason?: string | undefined;
  parent?: { image: string; buildVersion?: string | undefined } | null | undefined;
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
 * this version. Pure.
 */
export function lineageHold(chain: readonly LineageLink[]): string | undefined {
  const [self, ...ancestors] = chain;
  if (!self) return undefined;
  if (self.flaggedReason) return self.flaggedReason;
  const parent = ancestors[0];
  for (const [depth, ancestor] of ancestors.entries()) {
    const through = depth > 0 && parent ? ` (through ${parent.image} ${parent.version})` : '';
    if (ancestor.revokedReason !== undefined) {
      return `${builtOnRevokedReason(ancestor.image, ancestor.version)}${through}`;
    }
    if (ancestor.flaggedReason) {
      return `built on ${ancestor.image} ${ancestor.version}, itself ${ancestor.flaggedReason}${through}`;
    }
  }
  return undefined;
}

/** The reason a held version's promotion stops with: the hold, and what happens instead. */
export function heldOutcomeReason(hold: string): string {
  return `${hold}: held, it passes no further gate, soak check or approval; its rebuild on the rolled-back parent is promoted instead`;
}

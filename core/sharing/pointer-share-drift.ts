/**
 * What the daily backstop compares: a channel pointer share as the ledger holds it (what Publish made and RAM
 * confirmed) against the associations RAM lists for it now. Pure: aws/sharing/ram.ts reads the associations,
 * functions/sharing/pointer-share-backstop.ts repairs what differs.
 */

/** One association as GetResourceShareAssociations lists it (either type). */
export interface AssociationSeen {
  resourceShareArn: string;
  entity: string;
  status: string;
}

/** What a held share lacks or has too much of in RAM. */
export interface ShareDrift {
  /** Held principals RAM no longer associates (removed outside Goldsmith, or the share deleted). */
  missingPrincipals: string[];
  /** Principals RAM associates that the held share does not name (added outside Goldsmith). */
  extraPrincipals: string[];
  /** Held parameters RAM no longer associates. */
  missingResources: string[];
  /**
   * Resources RAM associates with the share that Goldsmith did not put there (someone else's, associated outside
   * Goldsmith): reported, never disassociated — they are not Goldsmith's to remove.
   */
  foreignResources: string[];
  /** Associations of the share RAM marks FAILED (entity: its message is RAM's). */
  failed: string[];
}

/** ASSOCIATING counts as in force: RAM is still making it, nothing to repair. */
const live = (status: string) => status === 'ASSOCIATED' || status === 'ASSOCIATING';

/** The drift of one held share, from every association RAM lists for the shares of its Region. */
export function pointerShareDrift(
  held: { resourceShareArn: string; principals: readonly string[]; resources: readonly string[] },
  principals: readonly AssociationSeen[],
  resources: readonly AssociationSeen[],
): ShareDrift {
  const ofShare = (list: readonly AssociationSeen[]) =>
    list.filter((a) => a.resourceShareArn === held.resourceShareArn);
  const livePrincipals = new Set(
    ofShare(principals)
      .filter((a) => live(a.status))
      .map((a) => a.entity),
  );
  const liveResources = new Set(
    ofShare(resources)
      .filter((a) => live(a.status))
      .map((a) => a.entity),
  );
  const wanted = new Set(held.principals);
  return {
    missingPrincipals: held.principals.filter((p) => !livePrincipals.has(p)).sort(),
    extraPrincipals: [...livePrincipals].filter((p) => !wanted.has(p)).sort(),
    missingResources: held.resources.filter((r) => !liveResources.has(r)).sort(),
    foreignResources: [...liveResources].filter((r) => !held.resources.includes(r)).sort(),
    failed: [...ofShare(principals), ...ofShare(resources)]
      .filter((a) => a.status === 'FAILED')
      .map((a) => a.entity)
      .sort(),
  };
}

/**
 * Whether the share needs a repair: a principal or a parameter missing, or a principal too many. A foreign resource
 * is no drift to repair: Goldsmith only adds and removes its own pointers.
 */
export function hasDrifted(d: ShareDrift): boolean {
  return d.missingPrincipals.length > 0 || d.extraPrincipals.length > 0 || d.missingResources.length > 0;
}

/**
 * The parameters a repair passes through Publish's share path (`ensurePointerShared`, one parameter per call; it
 * also sets the principals): each missing one, or, when only principals differ, the first held parameter.
 */
export function repairResources(held: { resources: readonly string[] }, d: ShareDrift): string[] {
  if (d.missingResources.length > 0) return d.missingResources;
  const first = [...held.resources].sort()[0];
  return hasDrifted(d) && first ? [first] : [];
}

import { inventoryOf } from '../../aws/builds/image-packages.js';
import { announce } from '../../aws/notifications/notifications.js';
import { releasePackageClaim } from '../../aws/triggers/package-claims.js';
import { announcement } from '../../core/notifications/announce.js';
import { checkPackageRelease, packageClaimOf } from '../../core/triggers/package-release.js';
import { logger } from '../lib/powertools.js';

/** A finished AMI build, as on-image-event's ledger item knows it. */
export interface AvailableBuild {
  image: string;
  version: string;
  buildVersionArn: string;
  /** The build's ledger item (recordBuildRequested wrote its trigger and dedupe key). */
  item: Record<string, unknown>;
  at: string;
}

/**
 * A package release counts as built only once the build holds it. For an AVAILABLE AMI build started by a package
 * release (`package:<image>:<name>@<version>`), reads its packages as built (ListImagePackages, recorded once by
 * keepInventory) and, when the package is not there at the announced version or above, releases the release's
 * marker (only the claim this build made) and announces a `claim-refused` once (its id derives from the key and the
 * build). A retry after either step repeats nothing: the release is conditional, the announcement claimed by id.
 * The build itself is promoted as any other: it is a rebuild of the packages released so far.
 * @returns whether the build holds the release, or undefined when the build was not started by one.
 */
export async function checkPackageReleaseBuilt(build: AvailableBuild): Promise<boolean | undefined> {
  const { image, version, buildVersionArn, item, at } = build;
  if (item.trigger !== 'package' || typeof item.dedupeKey !== 'string') return undefined;
  const claim = packageClaimOf(item.dedupeKey, image);
  if (!claim) return undefined;
  const inventory = await inventoryOf(image, version, buildVersionArn, at);
  const check = checkPackageRelease(inventory, claim.name, claim.version);
  if (check.held) return true;
  const holds = check.holds.length > 0 ? `${claim.name} ${check.holds.join(', ')}` : `no ${claim.name} at all`;
  const released = await releasePackageClaim(item.dedupeKey, buildVersionArn, at);
  logger.warn('package release not held by its build', { image, version, package: claim.name, released });
  await announce(
    announcement(
      'claim-refused',
      { image, version },
      {
        claim: 'package-release',
        found: `${claim.name} ${claim.version} announced; build ${version} holds ${holds}`,
        reason: `the release is not built until a build holds it, so its claim (${item.dedupeKey}) was given back: ${claim.name} ${claim.version} builds when it is announced again, once released`,
      },
      { at, key: item.dedupeKey },
    ),
  );
  return false;
}

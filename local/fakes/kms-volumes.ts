import type { Ec2Fake } from './ec2.js';
import type { FleetState } from './ec2-fleet.js';
import type { KmsFake } from './kms.js';
import type { VolumeGrantHolder } from './kms-api.js';
import type { KmsKey } from './kms-types.js';

/**
 * The grants EC2 holds on the KMS fake's keys for the member accounts' attached volumes: each running instance's
 * volumes (one per snapshot of its AMI) hold a grant on the key that encrypts them
 * (https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-grants.html). Sets the fake's counts
 * (kms-grants.ts) and answers the same volumes one by one, as ListGrants lists them (kms-api.ts).
 */
export function countVolumeGrants(
  kms: KmsFake,
  ec2: Ec2Fake,
  fleet: () => FleetState,
): (region: string, key: KmsKey) => VolumeGrantHolder[] {
  const snapshotsOf = (imageId: string) => ec2.images.get(imageId)?.snapshotIds ?? [];
  const holders = (region: string, key: KmsKey): VolumeGrantHolder[] => {
    const out: VolumeGrantHolder[] = [];
    for (const i of fleet().instances.values()) {
      if (i.region !== region) continue;
      for (const s of snapshotsOf(i.imageId))
        if (kms.key(region, ec2.snapshots.get(s)?.kmsKeyId ?? '') === key)
          out.push({ volumeId: `${i.instanceId}-${s}`, account: i.account });
    }
    return out;
  };
  kms.volumeGrantsAtMost = () =>
    fleet().instances.size * Math.max(1, ...[...ec2.images.values()].map((i) => i.snapshotIds.length));
  kms.volumeGrants = (region, key) => holders(region, key).length;
  return holders;
}

import type { LaunchPermission } from './ec2-permissions.js';

/** The EC2 fake's AMIs and snapshots as it keeps them (ec2.ts holds them; ec2-describe.ts and ec2-usage.ts read them). */
export interface AmiRecord {
  readonly imageId: string;
  readonly region: string;
  readonly name: string;
  readonly ownerId: string;
  readonly creationDate: string;
  readonly snapshotIds: string[];
  description: string;
  deprecationTime: string | undefined;
  /** `disabled` after DisableImage (local/fakes/ec2-disable.ts); absent: available. */
  state?: 'disabled' | undefined;
  readonly tags: Map<string, string>;
  readonly launchPermissions: Map<string, LaunchPermission>;
  /** Absent: x86_64 (an AMI saved before architectures were recorded was one). */
  readonly architecture?: 'x86_64' | 'arm64';
  /** `Windows` for a Windows AMI (the API model's PlatformValues); absent otherwise, as DescribeImages leaves it blank. */
  readonly platform?: 'Windows';
}

export interface SnapshotRecord {
  readonly snapshotId: string;
  readonly region: string;
  readonly ownerId: string;
  readonly kmsKeyId: string;
  readonly tags: Map<string, string>;
  readonly createVolumePermissions: Map<string, LaunchPermission>;
}

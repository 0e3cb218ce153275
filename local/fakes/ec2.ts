import { EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  IdMaker,
  NotImplementedByFakeError,
  required,
} from './common.js';
import { describeImages } from './ec2-describe.js';
import { disableImage, enableImage, refuseSharingDisabled } from './ec2-disable.js';
import {
  applyChanges,
  applyLaunchPermissionChanges,
  checkPermission,
  type OrgModel,
  permissionChanges,
  permits,
} from './ec2-permissions.js';
import type { AmiRecord, SnapshotRecord } from './ec2-records.js';
import { ImageUsageReports, type UsageContext } from './ec2-usage.js';
import type { LaunchTemplates } from './launch-templates.js';

const err = errorFactory(EC2ServiceException);
const TEMPLATE_ACTIONS = new Set([
  'CreateLaunchTemplateVersion',
  'DescribeLaunchTemplateVersions',
  'DescribeLaunchTemplates',
]);
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SNAP_ID = /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/;

export type { AmiRecord, SnapshotRecord } from './ec2-records.js';

export interface RegisterImageOptions {
  readonly name: string;
  readonly ownerId?: string;
  readonly description?: string;
  readonly tags?: Record<string, string>;
  readonly kmsKeyId?: string;
  /** AWS-owned public base images: launchable by everyone. */
  readonly public?: boolean;
  /** The AMI's architecture (default x86_64) and, for a Windows AMI, its platform (DescribeImages' `Platform`). */
  readonly architecture?: 'x86_64' | 'arm64' | undefined;
  readonly platform?: 'Windows' | undefined;
}

/** EC2, per region: AMIs with their encrypted snapshots, launch permissions, tags and deprecation. */
export class Ec2Fake implements FakeService {
  readonly images = new Map<string, AmiRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  /** Deregistered AMIs (EC2 forgets them; the audit and the report remember them). */
  readonly deregistered = new Map<string, { region: string; at: string; snapshotIds: string[]; inUse?: boolean }>();
  /** Snapshots deleted, by DeleteSnapshot or by DeregisterImage's DeleteAssociatedSnapshots. */
  snapshotsDeleted = 0;
  private readonly ids = new IdMaker();
  private readonly copies = new Map<string, string>();
  /** Who uses the AMIs (member accounts' fleets, set by the simulator) and the usage reports that count them. */
  readonly usage: UsageContext;
  private readonly usageReports: ImageUsageReports;
  /** Member accounts' launch templates (the calls a rollout makes on them). */
  templates: LaunchTemplates | undefined;
  /** The fewest reads of the usage reports asked for so far (ImageUsageReports.minimumReads). */
  usageReportReadsNeeded(): { reports: number; entries: number } {
    return this.usageReports.minimumReads();
  }

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {
    this.usage = { accountId, now, image: (id) => this.images.get(id), fleet: undefined, org: undefined };
    this.usageReports = new ImageUsageReports(this.usage);
  }

  /** Creates an available AMI backed by one KMS-encrypted snapshot (what Image Builder's distribution leaves). */
  registerImage(region: string, opts: RegisterImageOptions): AmiRecord {
    const ownerId = opts.ownerId ?? this.accountId;
    const snapshotId = this.ids.next('snap');
    this.snapshots.set(snapshotId, {
      snapshotId,
      region,
      ownerId,
      kmsKeyId: opts.kmsKeyId ?? `arn:aws:kms:${region}:${ownerId}:alias/goldsmith-images`,
      tags: new Map(),
      createVolumePermissions: new Map(),
    });
    const ami: AmiRecord = {
      imageId: this.ids.next('ami'),
      region,
      name: opts.name,
      ownerId,
      creationDate: new Date(this.now()).toISOString(),
      snapshotIds: [snapshotId],
      description: opts.description ?? '',
      deprecationTime: undefined,
      tags: new Map(Object.entries(opts.tags ?? {})),
      launchPermissions: new Map(opts.public ? [['group:all', { Group: 'all' }]] : []),
      ...(opts.architecture && { architecture: opts.architecture }),
      ...(opts.platform && { platform: opts.platform }),
    };
    this.images.set(ami.imageId, ami);
    return ami;
  }

  /** The audit's question: may this account launch this AMI in this region right now? */
  isLaunchableBy(region: string, imageId: string, accountId: string, org?: OrgModel): boolean {
    const ami = this.images.get(imageId);
    if (!ami || ami.region !== region || ami.state === 'disabled') return false;
    return permits(ami.ownerId, ami.launchPermissions.values(), accountId, org);
  }

  /** Completes the image usage reports that are due (before anything they count changes). */
  completeUsageReports(): void {
    this.usageReports.completeDue();
  }

  handle(call: FakeCall): unknown {
    const { input, region } = call;
    this.usageReports.completeDue();
    switch (call.action) {
      case 'DescribeImages':
        return describeImages(input, {
          region,
          accountId: this.accountId,
          now: this.now(),
          images: this.images,
          snapshots: this.snapshots,
          lookup: (id) => this.ami(id, region),
        });
      case 'DescribeImageAttribute': {
        const ami = this.ami(input.ImageId, region);
        const attribute = required(input, 'Attribute', (m) => err('MissingParameter', m));
        if (attribute === 'launchPermission')
          return { ImageId: ami.imageId, LaunchPermissions: [...ami.launchPermissions.values()] };
        if (attribute === 'description') return { ImageId: ami.imageId, Description: { Value: ami.description } };
        if (attribute === 'lastLaunchedTime') return { ImageId: ami.imageId, LastLaunchedTime: this.lastLaunched(ami) };
        throw err('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid.`);
      }
      case 'ModifyImageAttribute': {
        const ami = this.ami(input.ImageId, region);
        const description = input.Description as { Value?: string } | undefined;
        if (description?.Value !== undefined) ami.description = description.Value;
        const changes = permissionChanges(input, input.LaunchPermission);
        for (const p of [...changes.add, ...changes.remove]) checkPermission(p, err);
        refuseSharingDisabled(ami, changes.add, err);
        applyLaunchPermissionChanges(ami.launchPermissions, changes, err);
        return {};
      }
      case 'ModifySnapshotAttribute': {
        const snap = this.snapshot(input.SnapshotId, region);
        const changes = permissionChanges(input, input.CreateVolumePermission);
        for (const p of [...changes.add, ...changes.remove]) {
          if (p.OrganizationArn || p.OrganizationalUnitArn)
            throw err('InvalidParameterValue', 'Snapshots are shared with accounts or groups only.');
          checkPermission(p, err);
        }
        applyChanges(snap.createVolumePermissions, changes);
        return {};
      }
      case 'DescribeSnapshotAttribute': {
        const snap = this.snapshot(input.SnapshotId, region);
        return { SnapshotId: snap.snapshotId, CreateVolumePermissions: [...snap.createVolumePermissions.values()] };
      }
      case 'CreateTags':
      case 'DeleteTags':
        return this.tags(call.action, input, region);
      case 'EnableImageDeprecation': {
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableImageDeprecation.html: seconds are
        // rounded to the nearest minute; a time in the past, or more than 10 years ahead, is refused.
        const ami = this.ami(input.ImageId, region);
        const at = input.DeprecateAt instanceof Date ? input.DeprecateAt : new Date(String(input.DeprecateAt));
        if (Number.isNaN(at.getTime())) throw err('InvalidParameterValue', 'DeprecateAt is not a valid time.');
        const rounded = Math.round(at.getTime() / 60_000) * 60_000;
        if (rounded < Math.floor(this.now() / 60_000) * 60_000)
          throw err('InvalidParameterValue', 'DeprecateAt must be a time in the future.');
        if (rounded > this.now() + 10 * 366 * 86_400_000)
          throw err('InvalidParameterValue', 'DeprecateAt must be within 10 years from now.');
        ami.deprecationTime = new Date(rounded).toISOString();
        return { Return: true };
      }
      case 'DisableImage':
        return disableImage(this.ami(input.ImageId, region), this.accountId, err);
      case 'EnableImage':
        return enableImage(this.ami(input.ImageId, region), this.accountId, err);
      case 'DisableImageDeprecation':
        this.ami(input.ImageId, region).deprecationTime = undefined;
        return { Return: true };
      case 'DeregisterImage': {
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeregisterImage.html: a deregistered AMI can't
        // launch anything; DeleteAssociatedSnapshots leaves a snapshot that another AMI still uses.
        const ami = this.ami(input.ImageId, region);
        this.images.delete(ami.imageId);
        this.deregistered.set(ami.imageId, {
          region,
          at: new Date(this.now()).toISOString(),
          snapshotIds: [...ami.snapshotIds],
          // Whether a member account's instance or launch template still used it (the fleet audit's question).
          ...(this.usage.fleet?.inUse(region, ami.imageId) ? { inUse: true } : {}),
        });
        if (input.DeleteAssociatedSnapshots === true) {
          for (const s of ami.snapshotIds) {
            if ([...this.images.values()].some((a) => a.snapshotIds.includes(s))) continue;
            if (this.snapshots.delete(s)) this.snapshotsDeleted++;
          }
        }
        return { Return: true };
      }
      case 'DeleteSnapshot': {
        const snap = this.snapshot(input.SnapshotId, region);
        const user = [...this.images.values()].find((a) => a.snapshotIds.includes(snap.snapshotId));
        if (user)
          throw err('InvalidSnapshot.InUse', `The snapshot ${snap.snapshotId} is currently in use by ${user.imageId}`);
        this.snapshots.delete(snap.snapshotId);
        this.snapshotsDeleted++;
        return {};
      }
      case 'CopyImage':
        return this.copyImage(input, region);
      case 'CreateImageUsageReport':
      case 'DescribeImageUsageReports':
      case 'DescribeImageUsageReportEntries':
      case 'DeleteImageUsageReport':
        return this.usageReports.handle(call.action, input, region);
      default:
        if (this.templates && TEMPLATE_ACTIONS.has(call.action)) return this.templates.handle(call);
        throw new NotImplementedByFakeError('ec2', call.action);
    }
  }

  /**
   * An AMI's last launch as EC2 reports it: a launch shows after a 24-hour delay
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html, lastLaunchedTime).
   */
  private lastLaunched(ami: AmiRecord): { Value?: string } {
    const at = this.usage.fleet?.lastLaunched.get(ami.imageId);
    return at !== undefined && at <= this.now() - 86_400_000 ? { Value: new Date(at).toISOString() } : {};
  }

  private ami(id: unknown, region: string): AmiRecord {
    if (typeof id !== 'string' || id === '')
      throw err('MissingParameter', 'The request must contain the parameter ImageId');
    if (!AMI_ID.test(id)) throw err('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
    const ami = this.images.get(id);
    if (!ami || ami.region !== region) throw err('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    return ami;
  }

  private snapshot(id: unknown, region: string): SnapshotRecord {
    if (typeof id !== 'string' || !SNAP_ID.test(id))
      throw err('InvalidSnapshotID.Malformed', `Invalid id: "${String(id)}"`);
    const snap = this.snapshots.get(id);
    if (!snap || snap.region !== region) throw err('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return snap;
  }

  private tags(action: 'CreateTags' | 'DeleteTags', input: Record<string, unknown>, region: string): unknown {
    const targets = asArray<string>(input.Resources).map((id) =>
      id.startsWith('snap-') ? this.snapshot(id, region).tags : this.ami(id, region).tags,
    );
    for (const t of asArray<{ Key?: string; Value?: string }>(input.Tags)) {
      if (!t.Key) throw err('InvalidParameterValue', 'Tag keys must not be empty.');
      for (const tags of targets) {
        if (action === 'CreateTags') tags.set(t.Key, t.Value ?? '');
        else if (t.Value === undefined || tags.get(t.Key) === t.Value) tags.delete(t.Key);
      }
    }
    return {};
  }

  private copyImage(input: Record<string, unknown>, region: string): unknown {
    const token = typeof input.ClientToken === 'string' ? `${region}/${input.ClientToken}` : undefined;
    const seen = token ? this.copies.get(token) : undefined;
    if (seen) return { ImageId: seen };
    const source = this.ami(
      input.SourceImageId,
      required(input, 'SourceRegion', (m) => err('MissingParameter', m)),
    );
    const copy = this.registerImage(region, {
      name: required(input, 'Name', (m) => err('MissingParameter', m)),
      description: source.description,
      architecture: source.architecture,
      platform: source.platform,
    });
    if (token) this.copies.set(token, copy.imageId);
    return { ImageId: copy.imageId };
  }
}

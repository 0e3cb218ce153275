import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { asArray, errorFactory, paginate } from './common.js';
import type { AmiRecord, SnapshotRecord } from './ec2-records.js';

const err = errorFactory(EC2ServiceException);
const tagList = (m: ReadonlyMap<string, string>) => [...m].map(([Key, Value]) => ({ Key, Value }));

/** What DescribeImages reads from the EC2 fake. */
export interface DescribeState {
  readonly region: string;
  readonly accountId: string;
  readonly now: number;
  readonly images: ReadonlyMap<string, AmiRecord>;
  readonly snapshots: ReadonlyMap<string, SnapshotRecord>;
  /** Resolves one requested id, throwing EC2's NotFound / Malformed errors. */
  readonly lookup: (id: string) => AmiRecord;
}

/** DescribeImages: ImageIds, Owners, Filters (name, tag:*, tag-key, image-id, owner-id, state), deprecation, pages. */
export function describeImages(input: Record<string, unknown>, s: DescribeState): unknown {
  const ids = asArray<string>(input.ImageIds);
  if (ids.length > 0 && input.MaxResults !== undefined) {
    throw err('InvalidParameterCombination', 'The parameter ImageIds cannot be used with the parameter MaxResults');
  }
  const now = s.now;
  let list: AmiRecord[] =
    ids.length > 0 ? ids.map(s.lookup) : [...s.images.values()].filter((a) => a.region === s.region);
  const owners = asArray<string>(input.Owners).map((o) => (o === 'self' ? s.accountId : o));
  if (owners.length > 0)
    list = list.filter((a) => owners.includes(a.ownerId) || (owners.includes('amazon') && a.ownerId === 'amazon'));
  // Deprecated AMIs are hidden unless asked for, except from their owner (as EC2 documents).
  if (input.IncludeDeprecated !== true && ids.length === 0) {
    list = list.filter((a) => a.ownerId === s.accountId || !a.deprecationTime || Date.parse(a.deprecationTime) > now);
  }
  // Disabled AMIs are hidden unless asked for (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html).
  if (input.IncludeDisabled !== true) list = list.filter((a) => a.state !== 'disabled');
  for (const f of asArray<{ Name?: string; Values?: string[] }>(input.Filters))
    list = list.filter((a) => matches(a, f));
  if (input.MaxResults !== undefined && (Number(input.MaxResults) < 5 || Number(input.MaxResults) > 1000)) {
    throw err('InvalidParameterValue', 'MaxResults must be between 5 and 1000.');
  }
  const page =
    input.MaxResults === undefined && input.NextToken === undefined
      ? { items: list, nextToken: undefined }
      : paginate(list, input.MaxResults, input.NextToken, {
          max: 1000,
          invalidToken: () => err('InvalidPaginationToken', 'Invalid NextToken'),
        });
  return { Images: page.items.map((a) => view(a, s.snapshots)), NextToken: page.nextToken };
}

function view(a: AmiRecord, snapshots: ReadonlyMap<string, SnapshotRecord>): unknown {
  return {
    ImageId: a.imageId,
    Name: a.name,
    Description: a.description,
    OwnerId: a.ownerId,
    State: a.state ?? 'available',
    Public: a.launchPermissions.has('group:all'),
    CreationDate: a.creationDate,
    DeprecationTime: a.deprecationTime,
    ImageType: 'machine',
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html: `Platform` is set for Windows AMIs
    // (`Windows`, the API model's PlatformValues) and blank otherwise.
    Architecture: a.architecture ?? 'x86_64',
    ...(a.platform && { Platform: a.platform }),
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    BlockDeviceMappings: a.snapshotIds.map((SnapshotId) => {
      const s = snapshots.get(SnapshotId);
      return {
        DeviceName: '/dev/xvda',
        Ebs: {
          SnapshotId,
          Encrypted: true,
          KmsKeyId: s?.kmsKeyId,
          VolumeSize: 8,
          VolumeType: 'gp3',
          DeleteOnTermination: true,
        },
      };
    }),
    Tags: tagList(a.tags),
  };
}

function matches(a: AmiRecord, f: { Name?: string; Values?: string[] }): boolean {
  const values = f.Values ?? [];
  const like = (v: string | undefined) =>
    v !== undefined &&
    values.some((p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(v),
    );
  const name = f.Name ?? '';
  if (name.startsWith('tag:')) return like(a.tags.get(name.slice(4)));
  if (name === 'tag-key') return [...a.tags.keys()].some((k) => like(k));
  if (name === 'name') return like(a.name);
  if (name === 'image-id') return like(a.imageId);
  if (name === 'owner-id') return like(a.ownerId);
  if (name === 'state') return like('available');
  throw err('InvalidParameterValue', `The filter '${name}' is invalid`);
}

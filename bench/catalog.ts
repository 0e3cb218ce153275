import { parseCatalog } from '../core/config/catalog.js';
import type { Catalog, CatalogInput } from '../core/config/schema.js';

/** The size of the simulated organization and catalog. */
export interface BenchmarkShape {
  images: number;
  /** Images per lineage chain: a root on an AWS public parameter, then children each on the previous one. */
  chainLength: number;
  regions: number;
  /** OUs per channel, in channel order (dev, staging, prod); every OU gets `accountsPerOu` accounts. */
  ousPerChannel: readonly [number, number, number];
  accountsPerOu: number;
  /** Levels of OUs from each channel OU down to the OUs holding accounts (default 1: accounts in the channel OUs). */
  levels?: number;
  /** Child OUs per OU and level (with `levels` > 1). */
  fanOut?: number;
}

/** 20 images in 4 chains of 5, 16 regions, 10 OUs × 100 accounts = 1000 accounts. */
export const DEFAULT_SHAPE: BenchmarkShape = {
  images: 20,
  chainLength: 5,
  regions: 16,
  ousPerChannel: [2, 3, 5],
  accountsPerOu: 100,
};

// Regions enabled by default in every account, so none needs an opt-in.
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
] as const;

const CHANNELS = ['dev', 'staging', 'prod'] as const;

/**
 * The organization at fleet scale: 100 images in 20 chains of 5, 16 Regions, 10 channel OUs each with OUs three
 * levels deep (4 children per OU: 210 OUs), 31 accounts in each of the 160 deepest OUs = 4,960 accounts.
 */
export const ORGANIZATION_SHAPE: BenchmarkShape = {
  images: 100,
  chainLength: 5,
  regions: 16,
  ousPerChannel: [2, 3, 5],
  accountsPerOu: 31,
  levels: 3,
  fanOut: 4,
};

/** The OUs holding accounts below one channel OU. */
function leavesPerOu(shape: BenchmarkShape): number {
  return (shape.fanOut ?? 1) ** ((shape.levels ?? 1) - 1);
}

/** The accounts a shape's channels reach in total. */
export function totalAccounts(shape: BenchmarkShape): number {
  return shape.ousPerChannel.reduce((a, b) => a + b, 0) * leavesPerOu(shape) * shape.accountsPerOu;
}

/** Every OU of a shape's organization: the channel OUs and all OUs nested below them. */
export function totalOus(shape: BenchmarkShape): number {
  const top = shape.ousPerChannel.reduce((a, b) => a + b, 0);
  let below = 0;
  for (let level = 1; level < (shape.levels ?? 1); level++) below += (shape.fanOut ?? 1) ** level;
  return top * (1 + below);
}

function ouId(n: number): string {
  return `ou-bnch-${String(n).padStart(8, '0')}`;
}

/**
 * The benchmark catalog, generated in memory and validated like any catalog: lineage chains whose roots are
 * rebuilt on the monthly patch schedule and whose children follow their parent's staging channel, every image
 * in every region, dev → staging → prod (prod behind an approval) over disjoint OUs.
 * @throws when the generated catalog does not validate (the benchmark would measure nothing meaningful).
 */
export function benchmarkCatalog(shape: BenchmarkShape = DEFAULT_SHAPE): Catalog {
  if (shape.regions > REGIONS.length) throw new Error(`at most ${REGIONS.length} regions, asked for ${shape.regions}`);
  const regions = REGIONS.slice(0, shape.regions);
  const images: CatalogInput['images'] = {};
  for (let i = 0; i < shape.images; i++) {
    const chain = Math.floor(i / shape.chainLength);
    const depth = i % shape.chainLength;
    images[`chain${chain}-level${depth}`] = {
      parent:
        depth === 0
          ? 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'
          : { image: `chain${chain}-level${depth - 1}`, channel: 'staging' },
      components: [{ managed: 'update-linux' }],
      tests: [{ managed: 'reboot-linux' }],
      regions: [...regions],
      ...(depth === 0
        ? {
            schedule: { type: 'monthly-patch', daysAfterPatchTuesday: chain % 7, at: '03:00', timezone: 'UTC' },
            triggers: { baseImage: true, packages: [] },
          }
        : { triggers: { baseImage: false, packages: [] } }),
      retention: { keep: 3 },
    };
  }
  let nextOu = 0;
  const channels = CHANNELS.map((name, c) => ({
    name,
    targets: { ous: Array.from({ length: shape.ousPerChannel[c] ?? 0 }, () => ouId(nextOu++)) },
    ...(name === 'prod' ? { approval: { approvers: ['ops-lead'], timeout: '3d' } } : { soak: '1d' }),
  }));
  const parsed = parseCatalog(
    {
      organization: { id: 'o-bench00001', homeRegion: 'us-east-1' },
      images,
      channels,
      // ops-lead's own approve/reject links reach this address alone (the simulated approver reads them there).
      notifications: { approvers: { 'ops-lead': 'ops-lead@example.com' } },
    },
    { read: () => undefined },
  );
  if (!parsed.ok) throw new Error(`benchmark catalog is invalid:\n${parsed.problems.join('\n')}`);
  return parsed.catalog;
}

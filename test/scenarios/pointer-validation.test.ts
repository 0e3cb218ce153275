import { beforeAll, describe, expect, it } from 'vitest';
import type { Where } from '../../cli/operator/options.js';
import { type ImageStatus, statusOf } from '../../cli/operator/read.js';
import { renderStatus } from '../../cli/operator/render.js';
import type { Catalog } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { savedStateOf } from '../helpers/saved-cloud.js';
import {
  al2023Image,
  devThenApprovedProd,
  orgCatalog,
  PATCH_DAY_SCHEDULE,
  promotedLines,
  REPO_ROOT,
  scenarioBetween,
} from './helpers.js';

// One base image in two Regions, built on patch day (Thursday 14 January 2027, 03:00 UTC), promoted to dev at once
// and to prod once ops-lead approves (approvals: auto).
const catalog: Catalog = orgCatalog(
  {
    base: al2023Image({
      regions: ['us-east-1', 'eu-west-1'],
      schedule: PATCH_DAY_SCHEDULE,
      triggers: { baseImage: false, packages: [] },
    }),
  },
  devThenApprovedProd(),
);
const REGIONS = ['us-east-1', 'eu-west-1'];
const NO_DESCRIBE_IMAGES = [{ function: 'functions/promotion/publish', action: 'ec2:DescribeImages' }];

let granted: SimulationResult;
let denied: SimulationResult;
let deniedLonger: SimulationResult;

/** `goldsmith status` on the cloud as the run left it (the saved cloud's snapshot, as `status --local` reads it). */
async function statusAfter(result: SimulationResult): Promise<{ images: ImageStatus[]; text: string }> {
  const snapshot = result.snapshot!;
  const where: Where = {
    kind: 'local',
    dir: '',
    state: savedStateOf(snapshot),
    catalog,
    as: undefined,
  };
  const images = await statusOf(where);
  return { images, text: renderStatus(images, new Date(snapshot.at)) };
}

beforeAll(async () => {
  const run = (faults: Record<string, unknown>) =>
    simulate(catalog, scenarioBetween('2027-01-13T00:00:00Z', '2027-01-15T00:00:00Z', { faults }), REPO_ROOT, {
      snapshot: true,
    });
  granted = await run({});
  denied = await run({ deny: NO_DESCRIBE_IMAGES });
  // Past the reconciler's automatic resume, the daily audit of 16 January and the resumed promotion's Publish.
  deniedLonger = await simulate(
    catalog,
    scenarioBetween('2027-01-13T00:00:00Z', '2027-01-17T12:00:00Z', { faults: { deny: NO_DESCRIBE_IMAGES } }),
    REPO_ROOT,
    { snapshot: true },
  );
}, 900_000);

describe('Publish with ec2:DescribeImages (the stacks’ role)', () => {
  it('promotes dev and prod, and every pointer the audit reads in each Region is what status reports', async () => {
    expect(promotedLines(granted)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    const { images } = await statusAfter(granted);
    const base = images.find((i) => i.image === 'base');
    for (const channel of ['dev', 'prod']) {
      const view = base?.channels.find((c) => c.channel === channel);
      expect(view?.pending, channel).toBeUndefined();
      expect(Object.keys(granted.report.pointers[`base/${channel}`] ?? {}).sort()).toEqual([...REGIONS].sort());
      expect(view?.pointer?.amis, channel).toEqual(granted.report.pointers[`base/${channel}`]);
    }
    expect(granted.report.faults.paused).toEqual([]);
    expect(granted.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});

describe('Publish whose role lacks ec2:DescribeImages (scenario faults.deny)', () => {
  it('never reports promoted: the promotion pauses at dev, announced, with the reason', () => {
    expect(promotedLines(denied)).toEqual([]);
    expect(denied.report.faults.paused).toEqual([
      expect.objectContaining({
        image: 'base',
        version: '1.0.0/1',
        channel: 'dev',
        error: 'Goldsmith.PointerNotTaken',
      }),
    ]);
    expect(denied.report.faults.paused[0]?.status).toBe('paused');
    const told = denied.report.notifications.map((n) => `${n.event} ${n.channel}`);
    expect(told).toContain('paused dev');
    expect(told).not.toContain('promoted dev');
    expect(told).not.toContain('promoted prod');
  });

  it('leaves the SSM pointer as it was in every Region: Parameter Store never created it', () => {
    expect(denied.report.pointers['base/dev']).toBeUndefined();
    expect(denied.report.pointers['base/prod']).toBeUndefined();
  });

  it('has goldsmith status say the channel is paused and why, naming no version as promoted', async () => {
    const { images, text } = await statusAfter(denied);
    const dev = images.find((i) => i.image === 'base')?.channels.find((c) => c.channel === 'dev');
    expect(dev?.pointer).toBeUndefined();
    expect(dev?.pending).toMatchObject({ version: '1.0.0/1' });
    expect(dev?.pending?.reason).toContain('ec2:DescribeImages');
    expect(dev?.pending?.reason).toContain('goldsmith resume base 1.0.0/1');
    expect(text).toMatch(/dev\s+— \(never promoted\)/);
    expect(text).toContain('not moved to 1.0.0/1: promotion paused since');
    expect(text).toMatch(/in flight: 1\.0\.0\/1 paused .* at dev, never promoted \(see the channel\)/);
  });
});

describe('a resumed promotion whose cause is still there', () => {
  it('pauses again, never promoted, and the audit puts back no pointer Parameter Store never confirmed', async () => {
    expect(promotedLines(deniedLonger)).toEqual([]);
    expect(deniedLonger.report.pointers['base/dev']).toBeUndefined();
    const told = deniedLonger.report.notifications.map((n) => `${n.event} ${n.channel ?? ''}`);
    expect(told.filter((t) => t.startsWith('drift-found'))).toEqual([]);
    expect(told.filter((t) => t === 'paused dev').length).toBeGreaterThan(1);
    const { images } = await statusAfter(deniedLonger);
    const dev = images.find((i) => i.image === 'base')?.channels.find((c) => c.channel === 'dev');
    expect(dev?.pointer).toBeUndefined();
    expect(dev?.pending).toMatchObject({ version: '1.0.0/1' });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { Catalog, CatalogInput } from '../../core/config/schema.js';
import { defaultScenarioFor } from '../../local/simulator/default-scenario.js';
import { simulate } from '../../local/simulator/index.js';
import { scenarioCatalogProblems } from '../../local/simulator/scenario-catalog.js';
import { catalogOf, REPO_ROOT, scenarioOf } from './helpers.js';

/** The example catalogs, .json and .ts (the folder also holds `components`, a link to the repository's). */
const EXAMPLE_CATALOGS = readdirSync(`${REPO_ROOT}examples/catalogs`)
  .filter((f) => /\.(json|ts)$/.test(f))
  .map((f) => `examples/catalogs/${f}`);
const GENERATED = 'a generated catalog';

/**
 * The default scenario fitted to `catalog`, cut to the week of January's patch window (Patch Tuesday is the 12th):
 * a cheap run that still builds, promotes and soaks.
 */
async function patchWeekOf(catalog: Catalog) {
  const raw = await defaultScenarioFor(catalog);
  return scenarioOf({
    ...raw,
    start: '2027-01-11T00:00:00Z',
    until: '2027-01-18T00:00:00Z',
    organization: { accountsPerOu: 1 },
  });
}

/** A seeded generator (mulberry32): the same seed, the same catalogs. */
function randomOf(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ca-central-1'];
const PARAMETERS = [
  '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
  '/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id',
  '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
];

/**
 * A small valid catalog unlike the example: its own image names (a chain of one to three AMI images, sometimes a
 * container image), two to four channels with their own names, approval on a random one of the later channels (or
 * none), its own Regions, parameter and packages.
 */
function generatedCatalog(seed: number): Catalog {
  const random = randomOf(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const word = (prefix: string) => `${prefix}${Math.floor(random() * 1e6).toString(36)}`;
  const regions = [...new Set([pick(REGIONS), pick(REGIONS)])];
  const homeRegion = regions[0] as string;
  const channelCount = 2 + Math.floor(random() * 3);
  const approvalAt = random() < 0.2 ? -1 : 1 + Math.floor(random() * (channelCount - 1));
  const approvers = [word('person-'), word('person-')];
  const channels: CatalogInput['channels'] = Array.from({ length: channelCount }, (_, i) => ({
    name: word(`ring${i}-`),
    targets: { ous: [`ou-ab12-${String(i).padStart(8, '0')}`] },
    soak: `${1 + i}d`,
    ...(i === approvalAt ? { approval: { approvers, timeout: '2d' } } : {}),
  }));
  const images: CatalogInput['images'] = {};
  const root = pick(PARAMETERS);
  let parent: CatalogInput['images'][string]['parent'] = `ssm:${root}`;
  // A Graviton lineage builds on a Graviton type (validate refuses the default m7i.large under an arm64 parent).
  const instanceTypes = root.endsWith('-arm64') ? ['m7g.large'] : ['m7i.large'];
  // And a Windows lineage on Windows's own update component (validate refuses update-linux there).
  const update = root.includes('windows') ? 'update-windows' : 'update-linux';
  for (let depth = 0; depth < 1 + Math.floor(random() * 3); depth++) {
    const name = word('img-');
    images[name] = {
      parent,
      components: [{ managed: update }],
      instanceTypes,
      regions,
      ...(depth === 0
        ? {
            schedule: {
              type: 'monthly-patch',
              daysAfterPatchTuesday: Math.floor(random() * 4),
              at: '02:00',
              timezone: 'UTC',
            },
            triggers: { baseImage: true, packages: [word('pkg-')] },
          }
        : {}),
    };
    parent = { image: name, channel: channels[0]?.name as string };
  }
  if (random() < 0.5) {
    images[word('box-')] = {
      kind: 'container',
      parent: 'docker:amazonlinux:2023',
      repository: word('golden/'),
      components: [{ file: 'components/container-runtime.yml' }],
      regions: [homeRegion],
      schedule: { type: 'cron', expression: 'cron(0 4 ? * SUN *)', timezone: 'UTC' },
    };
  }
  return catalogOf({
    organization: { id: 'o-a1b2c3d4e5', homeRegion },
    images,
    channels,
    ...(approvalAt < 0
      ? {}
      : { notifications: { approvers: Object.fromEntries(approvers.map((a) => [a, `${a}@example.com`])) } }),
  });
}

describe('the default scenario on any catalog', () => {
  it('is the built-in quarter as written for the example catalog', async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const written = JSON.parse(readFileSync(`${REPO_ROOT}local/simulator/default-scenario.json`, 'utf8'));
    expect(await defaultScenarioFor(catalog)).toEqual(written);
  });

  it('names only images, channels and approvers of the catalog, for a hundred generated catalogs', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const catalog = generatedCatalog(seed);
      const raw = await defaultScenarioFor(catalog);
      expect(scenarioCatalogProblems(scenarioOf(raw), catalog), `seed ${seed}`).toEqual([]);
      const approvers = catalog.channels.flatMap((c) => c.approval?.approvers ?? []);
      for (const event of raw.events as { by?: string }[]) {
        if (event.by !== undefined) expect(approvers, `seed ${seed}`).toContain(event.by);
      }
    }
  });

  // The example catalogs run where they are: their paths are relative to their own folder, not the project's root.
  it.each([...EXAMPLE_CATALOGS, GENERATED])(
    'runs its patch week to the end on %s: builds, promotions, a consistent audit',
    async (file) => {
      const path = `${REPO_ROOT}${file}`;
      const catalog = file === GENERATED ? generatedCatalog(7) : await loadCatalogFile(path);
      const result = await simulate(
        catalog,
        await patchWeekOf(catalog),
        file === GENERATED ? REPO_ROOT : dirname(path),
      );
      const images = new Set(result.report.builds.map((b) => b.image));
      expect([...images].every((image) => image in catalog.images)).toBe(true);
      expect(result.report.builds.some((b) => b.status === 'AVAILABLE')).toBe(true);
      expect(result.report.promotions.length).toBeGreaterThan(0);
      expect(result.report.rejectedEvents).toEqual([]);
      expect(result.report.apiCalls['ssm:GetParameters'] ?? 0).toBeGreaterThan(0);
      expect(result.report.consistency).toMatchObject({ ok: true, problems: [] });
    },
    300_000,
  );
});

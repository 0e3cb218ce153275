import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkCatalog, ORGANIZATION_SHAPE } from '../../../bench/catalog.js';
import { stackLimitsCheck } from '../../../cli/preflight-stack-limits.js';
import type { CatalogInput } from '../../../core/config/schema.js';
import { checkStackLimits, type StackTemplate } from '../../../core/limits/index.js';
import { parseCatalogInput } from '../../../stacks/catalog.js';
import { imageStackOf } from '../../../stacks/factory/shards.js';
import { synthesizeTemplates } from '../../../stacks/synthesize.js';
import { largeCatalog } from '../../fixtures/catalogs/large.js';
import { REPO_ROOT } from '../helpers.js';

const SLOW = 240_000;

/**
 * `input` with every image renamed (a numbered suffix) into image stack `shard`, the parents following: a catalog
 * whose names happen to hash alike. One stack holds every image, so 100 fill it past 500 resources, where a catalog
 * spread over the four image stacks takes about 350 (and seconds more to synthesize).
 */
function crowdedInto(shard: number, input: CatalogInput): CatalogInput {
  const names = new Map<string, string>();
  for (const name of Object.keys(input.images)) {
    let suffix = 0;
    while (imageStackOf(`${name}-${suffix}`) !== shard) suffix++;
    names.set(name, `${name}-${suffix}`);
  }
  const images = Object.fromEntries(
    Object.entries(input.images).map(([name, image]) => {
      const parent = image.parent;
      const renamed =
        typeof parent === 'object' && parent !== null && 'image' in parent
          ? { ...image, parent: { ...parent, image: names.get(parent.image) ?? parent.image } }
          : image;
      return [names.get(name) ?? name, renamed];
    }),
  );
  return { ...input, images } as CatalogInput;
}

/** A catalog file at the repository root: the fixtures' component paths are relative to it. */
const FILE = `${REPO_ROOT}goldsmith.config.ts`;

describe("CloudFormation's 500 resources per stack", () => {
  const catalog = benchmarkCatalog(ORGANIZATION_SHAPE);
  let stacks: StackTemplate[];
  beforeAll(async () => {
    stacks = await synthesizeTemplates(catalog, { root: REPO_ROOT });
  }, SLOW);

  it('the organization benchmark (100 images in chains of 5, 16 Regions): every stack at most 450 resources', () => {
    const counts = stacks.map((s) => [s.stack, Object.keys(s.template.Resources ?? {}).length] as const);
    // 290 in Promotion, 147 in the fullest image stack; 528 in Promotion while each SDK-call custom resource had a
    // policy of its own.
    for (const [stack, count] of counts) expect(count, `${stack}: ${count} resources`).toBeLessThanOrEqual(450);
    expect(checkStackLimits(catalog, stacks).problems).toEqual([]);
  });

  it("names each stack's SDK-call policy apart, on a role named as CDK's provider function is: alike in every stack", () => {
    const ids = (type: string) =>
      stacks.flatMap((s) =>
        Object.entries(s.template.Resources ?? {})
          .filter(([id, r]) => r.Type === type && id.startsWith('SdkCalls'))
          .map(([id]) => id),
      );
    // Factory (the key's replicas) and Promotion (the forwarding rules). The local cloud resolves logical ids across
    // the app: there both providers are one function, whose one role must hold both stacks' policies.
    const roles = ids('AWS::IAM::Role');
    expect(roles).toHaveLength(2);
    expect(new Set(roles).size).toBe(1);
    const policies = ids('AWS::IAM::Policy').filter((id) => !id.includes('DefaultPolicy'));
    expect(policies).toHaveLength(2);
    expect(new Set(policies).size).toBe(2);
  });

  it(
    'preflight refuses a catalog with a stack over 500 resources, naming the stack, its figure and the quota',
    async () => {
      const check = await stackLimitsCheck(parseCatalogInput(crowdedInto(0, largeCatalog(100)), REPO_ROOT), FILE);
      expect(check.status).toBe('missing');
      const [, count] =
        /^images: stack FactoryImages0 would be (\d+) resources, over the CloudFormation resources per stack limit of 500 \(images: /.exec(
          check.detail,
        ) ?? [];
      expect(Number(count)).toBeGreaterThan(500);
      expect(check.detail).toContain(`\`goldsmith validate --config ${FILE}\``);
    },
    SLOW,
  );
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedImageCriteria } from '../../../core/allowed-amis/criteria.js';
import { declarativePolicy } from '../../../core/allowed-amis/policy.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import {
  imageNamePatternSchema,
  MAX_CRITERIA,
  MAX_NAMES_PER_CRITERION,
  MAX_PROVIDERS_PER_CRITERION,
} from '../../../core/config/schema-allowed-amis.js';
import { amiName } from '../../../core/names.js';

const FACTORY = '123456789012';
const NO_FILES = { read: () => undefined };

/** A catalog of `count` AMI images (and one container), every one promoted to prod, with `alsoAllow` criteria. */
function catalogOf(count: number, alsoAllow: number, grace: number) {
  const images: Record<string, unknown> = {
    box: {
      kind: 'container',
      parent: 'docker:amazonlinux:2023',
      components: [{ managed: 'x' }],
      regions: ['us-east-1'],
      repository: 'golden/box',
    },
  };
  for (let i = 0; i < count; i++) {
    images[`image-${i}`] = {
      parent: 'ami-0123456789abcdef0',
      platform: 'Linux',
      architecture: 'x86_64',
      components: [{ managed: 'update-linux' }],
      regions: ['us-east-1'],
    };
  }
  const parsed = parseCatalog(
    {
      organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
      images,
      channels: [{ name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] } }],
      allowedAmis: {
        mode: 'enabled',
        deprecatedGraceDays: grace,
        alsoAllow: Array.from({ length: alsoAllow }, () => ({ providers: ['amazon'] })),
      },
    },
    NO_FILES,
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

/** EC2's wildcard match: `*` any run of characters, `?` one. */
const matches = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(name);

describe("the criteria stay within EC2's limits, whatever the catalog", () => {
  it('at most 10 criteria, 200 providers and 50 valid names each; every Goldsmith AMI matched, deprecation bounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 3650 }),
        (count, alsoAllow, grace) => {
          const catalog = catalogOf(count, alsoAllow, grace);
          const spec = catalog.allowedAmis;
          if (!spec) throw new Error('the switch is on');
          const plan = allowedImageCriteria(catalog, spec, [FACTORY]);
          expect(plan.criteria.length).toBeLessThanOrEqual(MAX_CRITERIA);
          expect(plan.criteria.length).toBe(plan.own + alsoAllow);
          expect(plan.namesCollapsed).toBe(Math.ceil(count / MAX_NAMES_PER_CRITERION) > MAX_CRITERIA - alsoAllow);
          for (const c of plan.criteria) {
            expect(c.ImageProviders.length).toBeLessThanOrEqual(MAX_PROVIDERS_PER_CRITERION);
            expect((c.ImageNames ?? []).length).toBeLessThanOrEqual(MAX_NAMES_PER_CRITERION);
            for (const name of c.ImageNames ?? []) expect(imageNamePatternSchema.safeParse(name).success).toBe(true);
          }
          const own = plan.criteria.slice(0, plan.own);
          for (const c of own) {
            expect(c.ImageProviders).toEqual([FACTORY]);
            expect(c.DeprecationTimeCondition).toEqual({ MaximumDaysSinceDeprecated: grace });
          }
          // Every AMI an image's build distributes, named as Image Builder names it, is allowed by one of them.
          for (const image of plan.images) {
            const ami = amiName(image).replace('{{ imagebuilder:buildDate }}', '2027-01-14T03-52-11.000Z');
            expect(own.some((c) => (c.ImageNames ?? []).some((p) => matches(p, ami)))).toBe(true);
          }
          expect(plan.images).not.toContain('box');
          const policy = declarativePolicy(spec, plan.criteria);
          expect(Object.keys(policy.ec2_attributes.allowed_images_settings.image_criteria)).toEqual(
            plan.criteria.map((_, i) => `criteria_${i + 1}`),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a name of the factory account that is not a Goldsmith AMI name matches no Goldsmith criterion', () => {
    const catalog = catalogOf(3, 0, 0);
    const spec = catalog.allowedAmis;
    if (!spec) throw new Error('the switch is on');
    const [own] = allowedImageCriteria(catalog, spec, [FACTORY]).criteria;
    for (const name of ['packer-build-2027', 'image-0', 'goldsmith', 'base-goldsmith-image-0-x']) {
      expect((own?.ImageNames ?? []).some((p) => matches(p, name))).toBe(false);
    }
  });
});

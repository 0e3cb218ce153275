import { describe, expect, it } from 'vitest';
import { type Catalog, catalogShapeSchema } from '../../../core/config/schema.js';
import { promotionStateBytes } from '../../../core/limits/catalog.js';
import { checkLimits, LIMITS, type LimitId } from '../../../core/limits/index.js';
import { CATALOG, NO_FILES, padTo, problemsOf } from './helpers.js';

const problems = (id: LimitId, catalog: Catalog, files = NO_FILES) => problemsOf(checkLimits(catalog, files), id);

/** The small catalog with its one channel targeting an account tag whose value is `padding`. */
const taggedCatalog = (padding: string): Catalog => ({
  ...CATALOG,
  channels: [{ ...CATALOG.channels[0]!, targets: { ...CATALOG.channels[0]!.targets, accountTags: { team: padding } } }],
});

describe('Image Builder limits on the catalog', () => {
  const withComponents = (count: number): Catalog => ({
    ...CATALOG,
    images: {
      solo: {
        ...CATALOG.images.solo!,
        components: Array.from({ length: count - 1 }, (_, i) => ({ managed: `step-${i}` })),
        tests: [{ managed: 'reboot-linux' }],
      },
    },
  });

  it('passes 20 build and test components in a recipe and refuses 21, naming the image', () => {
    expect(problems('imageBuilderComponentsPerRecipe', withComponents(20))).toEqual([]);
    expect(problems('imageBuilderComponentsPerRecipe', withComponents(21))).toEqual([
      'images.solo.components: recipe of solo (20 build + 1 test components) would be 21 components, over the Image Builder components per recipe limit of 20 (images: solo)',
    ]);
  });

  it('passes a 16,000-character component document and refuses 16,001, naming the file', () => {
    const catalog: Catalog = {
      ...CATALOG,
      images: { solo: { ...CATALOG.images.solo!, components: [{ file: 'components/big.yml' }] } },
    };
    const files = (length: number) => ({
      read: (path: string) => (path === 'components/big.yml' ? 'x'.repeat(length) : undefined),
    });

    expect(problems('imageBuilderComponentChars', catalog, files(16_000))).toEqual([]);
    expect(problems('imageBuilderComponentChars', catalog, files(16_001))).toEqual([
      'images.solo.components[0].file: component document components/big.yml would be 16,001 characters, over the Image Builder inline component document limit of 16,000 (images: solo)',
    ]);
  });
});

describe('promotion payload limits on the catalog', () => {
  const state = (c: Catalog) => promotionStateBytes(c, 'solo');

  it('passes a promotion state of exactly 256 KiB and refuses one byte more, naming the channels', () => {
    const max = LIMITS.sfnStatePayloadBytes.max;

    expect(problems('sfnStatePayloadBytes', padTo(max, taggedCatalog, state))).toEqual([]);
    expect(problems('sfnStatePayloadBytes', padTo(max + 1, taggedCatalog, state))).toEqual([
      'channels: promotion state of solo would be 262,145 bytes, over the Step Functions state input/output size limit of 262,144 (images: solo)',
    ]);
  });

  it('passes a 6 MiB task payload and refuses one byte more', () => {
    const max = LIMITS.lambdaSyncPayloadBytes.max;

    expect(problems('lambdaSyncPayloadBytes', padTo(max, taggedCatalog, state))).toEqual([]);
    expect(problems('lambdaSyncPayloadBytes', padTo(max + 1, taggedCatalog, state))).toHaveLength(1);
  });

  it('grows with the accounts a channel lists and the regions an image is built in', () => {
    const listed = catalogShapeSchema.parse({
      ...CATALOG,
      channels: [{ name: 'live', targets: { accounts: Array.from({ length: 1000 }, (_, i) => String(1e11 + i)) } }],
    });

    expect(state(listed) - state(CATALOG)).toBeGreaterThan(1000 * 14);
  });
});

describe('channel pointer limits on the catalog', () => {
  const pointers = (images: number, channels: number): Catalog =>
    catalogShapeSchema.parse({
      ...CATALOG,
      images: Object.fromEntries(Array.from({ length: images }, (_, i) => [`image-${i}`, CATALOG.images.solo])),
      channels: Array.from({ length: channels }, (_, i) => ({
        name: `c${i}`,
        targets: { accounts: ['123456789012'] },
      })),
    });

  it('passes 100,000 pointers in a Region and refuses 100,001', () => {
    // 400 images × 250 channels = 100,000; one more image with one channel of its own goes over.
    const at = pointers(400, 250);
    const over: Catalog = {
      ...at,
      images: { ...at.images, extra: { ...CATALOG.images.solo!, channels: ['c0'] } },
    };

    expect(problems('ssmAdvancedParameters', at)).toEqual([]);
    expect(problems('ssmAdvancedParameters', over)).toEqual([
      'images: channel pointers in us-east-1 would be 100,001 parameters, over the SSM Advanced parameters per account and Region (channel pointers) limit of 100,000',
    ]);
  });
});

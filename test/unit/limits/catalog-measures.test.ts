import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { bytes } from '../../../core/limits/attribution.js';
import {
  largestPromotionInput,
  measureCatalog,
  promotionStateBytes,
  STATE_ALLOWANCE_BYTES,
} from '../../../core/limits/catalog.js';
import { planPromotion } from '../../../core/promotion/plan.js';
import { CATALOG } from './helpers.js';

const twoRegions: Catalog = {
  ...CATALOG,
  images: { solo: { ...CATALOG.images.solo!, version: '1.2.3', regions: ['us-east-1', 'eu-west-1'] } },
};

describe('the largest promotion state of an image', () => {
  it('starts from the input of its longest build version, with an ARN of deploy length', () => {
    expect(largestPromotionInput(twoRegions, 'solo')).toEqual({
      image: 'solo',
      buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-solo/1.2.3/9999',
      version: '1.2.3/9999',
      plan: planPromotion(twoRegions, 'solo'),
    });
  });

  it("adds LoadImage's available build with one AMI per region, and room for an error and the tasks' results", () => {
    const input = largestPromotionInput(twoRegions, 'solo');
    const build = {
      status: 'AVAILABLE',
      testsEnabled: true,
      amis: [
        { region: 'us-east-1', imageId: 'ami-0123456789abcdef0' },
        { region: 'eu-west-1', imageId: 'ami-0123456789abcdef0' },
      ],
    };

    expect(promotionStateBytes(twoRegions, 'solo')).toBe(
      bytes(JSON.stringify({ ...input, build })) + STATE_ALLOWANCE_BYTES,
    );
    expect(STATE_ALLOWANCE_BYTES).toBe(32_768 + 4_096);
  });
});

describe('measureCatalog', () => {
  it('measures a component file once however many images use it, and names the task input apart', () => {
    const spec = { ...CATALOG.images.solo!, components: [{ file: 'components/shared.yml' }] };
    const catalog: Catalog = { ...CATALOG, images: { one: spec, two: spec } };
    const measured = measureCatalog(catalog, { read: () => 'x'.repeat(10) });

    expect(measured.filter((m) => m.limit === 'imageBuilderComponentChars')).toEqual([
      {
        limit: 'imageBuilderComponentChars',
        subject: 'component document components/shared.yml',
        value: 10,
        field: 'images.one.components[0].file',
        images: ['one'],
      },
    ]);
    expect(measured.filter((m) => m.limit === 'lambdaSyncPayloadBytes').map((m) => m.subject)).toEqual([
      "task input of one's promotion",
      "task input of two's promotion",
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { planAll, planPromotion } from '../../../core/promotion/plan.js';
import exampleCatalog from '../../../goldsmith.config.js';

const catalog = catalogShapeSchema.parse(exampleCatalog);

describe('planPromotion', () => {
  it('lists channels in catalog order with approval and soak in seconds', () => {
    const plan = planPromotion(catalog, 'base');
    expect(plan.channels.map((c) => c.name)).toEqual(['dev', 'staging', 'prod']);
    expect(plan.channels[0]?.soakSeconds).toBe(86_400);
    expect(plan.channels[2]?.approval).toEqual({
      approvers: ['ops-lead', 'security-reviewer'],
      timeoutSeconds: 259_200,
    });
    expect(plan.channels[2]?.policy).toEqual({ maxCritical: 0, maxHigh: 0, maxMedium: 10, revokeOn: [] });
  });

  it('names the channel each one follows, so a channel is entered only after the one before it', () => {
    expect(planPromotion(catalog, 'base').channels.map((c) => c.after)).toEqual([undefined, 'dev', 'staging']);
  });

  it("keeps an image's channel subset in catalog order, whatever order the image lists", () => {
    const narrowed = catalogShapeSchema.parse({
      ...exampleCatalog,
      images: { ...exampleCatalog.images, base: { ...exampleCatalog.images.base, channels: ['prod', 'dev'] } },
    });
    expect(planPromotion(narrowed, 'base').channels.map((c) => [c.name, c.after])).toEqual([
      ['dev', undefined],
      ['prod', 'dev'],
    ]);
  });

  it('records the parent for lineage and the retention to keep', () => {
    const plan = planPromotion(catalog, 'app');
    expect(plan.parent).toEqual({ image: 'hardened', channel: 'staging' });
    expect(plan.retentionKeep).toBe(5);
    expect(plan.retention).toEqual({ deleteAfterSeconds: 30 * 86_400, unpromotedGraceSeconds: 7 * 86_400 });
    expect(planPromotion(catalog, 'base').parent).toBeUndefined();
  });

  it('carries retention.deprecateAfter in seconds, and nothing for an image without it', () => {
    expect(planPromotion(catalog, 'base').retention?.deprecateAfterSeconds).toBe(90 * 86_400);
    expect(planPromotion(catalog, 'app').retention).not.toHaveProperty('deprecateAfterSeconds');
  });

  it('refuses an image the catalog does not have', () => {
    expect(() => planPromotion(catalog, 'nope')).toThrow('unknown image "nope"');
  });
});

describe('planAll', () => {
  it('plans every catalog image', () => {
    expect(Object.keys(planAll(catalog)).sort()).toEqual(['app', 'base', 'hardened', 'web-runtime']);
  });
});

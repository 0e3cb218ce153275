import { describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { planAll, planPromotion } from '../../../core/promotion/plan.js';
import exampleCatalog from '../../../goldsmith.config.js';

const catalog = catalogShapeSchema.parse(exampleCatalog);
const withBase = (change: Record<string, unknown>) =>
  catalogShapeSchema.parse({
    ...exampleCatalog,
    images: { ...exampleCatalog.images, base: { ...exampleCatalog.images.base, ...change } },
  });

describe('planPromotion: each channel step', () => {
  it('has no approval and no soak where the channel asks none', () => {
    const [dev, , prod] = planPromotion(catalog, 'base').channels;

    expect(dev?.approval).toBeUndefined();
    expect(dev?.soakSeconds).toBe(86_400);
    expect(prod?.soakSeconds).toBeUndefined();
  });

  it("carries the channel's targets and its own copy of its approvers and policy", () => {
    const plan = planPromotion(catalog, 'base');
    const prod = plan.channels[2];

    expect(prod?.targets).toEqual(catalog.channels[2]?.targets);
    prod?.approval?.approvers.push('intruder');
    if (prod) prod.policy.maxHigh = 99;
    expect(catalog.channels[2]?.approval?.approvers).toEqual(['ops-lead', 'security-reviewer']);
    expect(catalog.channels[2]?.vulnerabilities.maxHigh).toBe(0);
  });
});

describe('planPromotion: the image', () => {
  it('names the image and its own copy of its regions', () => {
    const plan = planPromotion(catalog, 'app');

    expect(plan.image).toBe('app');
    expect(plan.regions).toEqual(['us-east-1', 'eu-west-1']);
    plan.regions.push('sa-east-1');
    expect(catalog.images.app?.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('gives its parent as a copy, and none for a parent outside the catalog', () => {
    const plan = planPromotion(catalog, 'app');
    if (plan.parent) plan.parent.channel = 'prod';

    expect(planPromotion(catalog, 'app').parent).toEqual({ image: 'hardened', channel: 'staging' });
    expect(planPromotion(catalog, 'web-runtime').parent).toBeUndefined();
  });

  it('carries the hold of versions still in use in seconds, and nothing without one', () => {
    const held = withBase({ retention: { keep: 3, holdInUseFor: '14d' } });

    expect(planPromotion(held, 'base').retention).toEqual({
      deleteAfterSeconds: 30 * 86_400,
      unpromotedGraceSeconds: 7 * 86_400,
      holdInUseForSeconds: 14 * 86_400,
    });
    expect(planPromotion(catalog, 'base').retention).not.toHaveProperty('holdInUseForSeconds');
  });

  it('revokes descendants with their parent only when the image says so', () => {
    expect(planPromotion(withBase({ revocation: { descendants: 'revoke' } }), 'base').revokeDescendants).toBe(true);
    expect(planPromotion(withBase({ revocation: { descendants: 'rebuild' } }), 'base')).not.toHaveProperty(
      'revokeDescendants',
    );
    expect(planPromotion(catalog, 'base')).not.toHaveProperty('revokeDescendants');
  });
});

describe('planAll', () => {
  it("keys each image's own plan by its name", () => {
    const all = planAll(catalog);

    for (const image of Object.keys(catalog.images)) expect(all[image]).toEqual(planPromotion(catalog, image));
  });
});

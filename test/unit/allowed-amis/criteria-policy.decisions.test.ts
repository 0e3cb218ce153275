import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import type { AllowedAmisSpec } from '../../../core/config/schema-allowed-amis.js';

/** Imported inside the tests (the first checks the module's figure), so mutation testing counts them as reaching it. */
const criteria = () => import('../../../core/allowed-amis/criteria.js');
const policy = () => import('../../../core/allowed-amis/policy.js');

const FACTORY = '123456789012';
const spec = (extra: Partial<AllowedAmisSpec> = {}): AllowedAmisSpec => ({
  mode: 'enabled',
  deprecatedGraceDays: 0,
  alsoAllow: [],
  ...extra,
});
/** `n` AMI images on one channel: only what the criteria read. */
const catalogOf = (n: number) =>
  ({
    images: Object.fromEntries(Array.from({ length: n }, (_, i) => [`img${i}`, { kind: 'ami', parent: 'ssm:/x' }])),
    channels: [{ name: 'prod' }],
  }) as unknown as Catalog;

describe('the Allowed AMIs criteria', () => {
  it('collapses to every Goldsmith AMI name when per-image patterns would not fit', async () => {
    const { ALL_GOLDSMITH_AMIS, allowedImageCriteria } = await criteria();
    expect(ALL_GOLDSMITH_AMIS).toBe('goldsmith-*');
    // 10 criteria with no alsoAllow → 500 names fit; 501 images do not.
    const fits = allowedImageCriteria(catalogOf(500), spec(), [FACTORY]);
    expect(fits.namesCollapsed).toBe(false);
    expect(fits.own).toBe(10);
    expect(fits.criteria.map((c) => c.ImageNames?.length)).toEqual(Array(10).fill(50));
    const collapsed = allowedImageCriteria(catalogOf(501), spec(), [FACTORY]);
    expect(collapsed.namesCollapsed).toBe(true);
    expect(collapsed.criteria).toEqual([
      {
        ImageProviders: [FACTORY],
        ImageNames: ['goldsmith-*'],
        DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 0 },
      },
    ]);
  });

  it('names each factory account once, sorted, and refuses none or more than 200', async () => {
    const { allowedImageCriteria } = await criteria();
    const two = allowedImageCriteria(catalogOf(1), spec(), ['210987654321', FACTORY, '210987654321']);
    expect(two.criteria[0]?.ImageProviders).toEqual([FACTORY, '210987654321']);
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));
    expect(allowedImageCriteria(catalogOf(1), spec(), accounts(200)).criteria[0]?.ImageProviders).toHaveLength(200);
    expect(() => allowedImageCriteria(catalogOf(1), spec(), accounts(201))).toThrow(
      '201 factory accounts: EC2 takes at most 200',
    );
    expect(() => allowedImageCriteria(catalogOf(1), spec(), [])).toThrow('no factory account');
  });

  it('adds alsoAllow’s criteria after its own, with their names and Marketplace products', async () => {
    const { allowedImageCriteria } = await criteria();
    const plan = allowedImageCriteria(
      catalogOf(1),
      spec({
        alsoAllow: [
          { providers: ['amazon'], imageNames: ['al2023-ami-*'] },
          { providers: ['aws-marketplace'], marketplaceProductCodes: ['abcd1234efgh5678ijkl9012m'] },
        ],
      }),
      [FACTORY],
    );
    expect(plan.criteria.slice(1)).toEqual([
      { ImageProviders: ['amazon'], ImageNames: ['al2023-ami-*'] },
      { ImageProviders: ['aws-marketplace'], MarketplaceProductCodes: ['abcd1234efgh5678ijkl9012m'] },
    ]);
  });

  it('reads the account of an Image Builder ARN only when it is twelve digits', async () => {
    const { accountOfArn } = await criteria();
    expect(accountOfArn(`arn:aws:imagebuilder:us-east-1:${FACTORY}:image/goldsmith-base/1.0.0/1`)).toBe(FACTORY);
    expect(accountOfArn('arn:aws:imagebuilder:us-east-1:x123456789012:image/a')).toBeUndefined();
    expect(accountOfArn('arn:aws:imagebuilder:us-east-1:1234567890123:image/a')).toBeUndefined();
    expect(accountOfArn('arn:aws:imagebuilder:us-east-1::image/a')).toBeUndefined();
  });
});

describe('the declarative policy', () => {
  it('spells aliases with underscores and keeps twelve-digit account ids as they are', async () => {
    const { policyProvider } = await policy();
    expect(policyProvider(FACTORY)).toBe(FACTORY);
    expect(policyProvider('aws-marketplace')).toBe('aws_marketplace');
    expect(policyProvider('1234567890123-x')).toBe('1234567890123_x');
    expect(policyProvider('x123456789012-y')).toBe('x123456789012_y');
    expect(policyProvider('1-2')).toBe('1_2');
    expect(policyProvider('abcdefghijkl-m')).toBe('abcdefghijkl_m');
  });

  it('sets the state from the mode and carries Marketplace products', async () => {
    const { declarativePolicy } = await policy();
    const criterion = { ImageProviders: ['aws-marketplace'], MarketplaceProductCodes: ['code1'] };
    const enabled = declarativePolicy(spec(), [criterion]);
    expect(enabled.ec2_attributes.allowed_images_settings.state).toEqual({ '@@assign': 'enabled' });
    expect(enabled.ec2_attributes.allowed_images_settings.image_criteria).toEqual({
      criteria_1: {
        allowed_image_providers: { '@@assign': ['aws_marketplace'] },
        marketplace_product_codes: { '@@assign': ['code1'] },
      },
    });
    const audit = declarativePolicy(spec({ mode: 'audit-mode' }), [criterion]);
    expect(audit.ec2_attributes.allowed_images_settings.state).toEqual({ '@@assign': 'audit_mode' });
  });
});

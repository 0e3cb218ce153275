import { describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { builtOnRevoked, descendantImagesOf } from '../../../core/lifecycle/revocation.js';
import { planAll } from '../../../core/promotion/plan.js';
import type { PromotionPlan } from '../../../core/promotion/types.js';
import exampleCatalog from '../../../goldsmith.config.js';

/** The example catalog: base, hardened on base/staging, app on hardened/staging, and a container image. */
const plans = planAll(catalogShapeSchema.parse(exampleCatalog));
const on = (image: string, buildVersion: string) => ({ image, buildVersion });

/** A plan with nothing but its place in the lineage: `image` follows `parent`'s staging channel. */
const follows = (image: string, parent: string): PromotionPlan => ({
  image,
  regions: ['us-east-1'],
  retentionKeep: 3,
  channels: [],
  parent: { image: parent, channel: 'staging' },
});

describe('descendantImagesOf', () => {
  it('names the children, then theirs', () => {
    expect(descendantImagesOf('base', plans)).toEqual(['hardened', 'app']);
    expect(descendantImagesOf('app', plans)).toEqual([]);
  });

  it('ends on a loop of parents (which the catalog refuses), naming each image once', () => {
    const loop = { a: follows('a', 'b'), b: follows('b', 'a') };
    expect(descendantImagesOf('a', loop)).toEqual(['b', 'a']);
  });
});

describe('builtOnRevoked', () => {
  const revoked = { image: 'base', version: '1.0.0/5', plans };

  it('names the grandchild built on the child built on the revoked version, after the child, through it', () => {
    const found = builtOnRevoked({
      ...revoked,
      builds: {
        hardened: [
          { version: '1.0.0/4', parent: on('base', '1.0.0/4') },
          { version: '1.0.0/5', parent: on('base', '1.0.0/5') },
        ],
        app: [
          { version: '1.0.0/3', parent: on('hardened', '1.0.0/4') },
          { version: '1.0.0/4', parent: on('hardened', '1.0.0/5') },
        ],
      },
    });

    const child = { image: 'hardened', channel: 'staging' };
    expect(found).toEqual([
      {
        image: 'hardened',
        version: '1.0.0/5',
        reason: 'built on revoked base 1.0.0/5',
        child,
        parent: { image: 'base', channel: 'staging' },
      },
      {
        image: 'app',
        version: '1.0.0/4',
        reason: 'built on revoked base 1.0.0/5 (through hardened 1.0.0/5)',
        child,
        // Its own parent, whose rebuild promoted to the channel it follows is what app is rebuilt on.
        parent: { image: 'hardened', channel: 'staging' },
      },
    ]);
  });

  it('names no deleted build, yet follows it to what was built on it, and follows no other parent version', () => {
    const found = builtOnRevoked({
      ...revoked,
      builds: {
        hardened: [
          { version: '1.0.0/5', parent: on('base', '1.0.0/5'), deletedAt: '2027-03-01T00:00:00Z' },
          { version: '1.0.0/6', parent: null },
          { version: '1.0.0/7', parent: on('base', '1.0.0/4') },
        ],
        app: [
          { version: '1.0.0/4', parent: on('hardened', '1.0.0/5') },
          { version: '1.0.0/5', parent: on('hardened', '1.0.0/7') },
        ],
      },
    });

    expect(found.map((d) => `${d.image} ${d.version}: ${d.reason}`)).toEqual([
      'app 1.0.0/4: built on revoked base 1.0.0/5 (through hardened 1.0.0/5)',
    ]);
  });

  it('names a version once even when its build is listed twice, and what was built on it once', () => {
    const found = builtOnRevoked({
      ...revoked,
      builds: {
        hardened: [
          { version: '1.0.0/5', parent: on('base', '1.0.0/5') },
          { version: '1.0.0/5', parent: on('base', '1.0.0/5') },
        ],
        app: [{ version: '1.0.0/4', parent: on('hardened', '1.0.0/5') }],
      },
    });

    expect(found.map((d) => `${d.image} ${d.version}`)).toEqual(['hardened 1.0.0/5', 'app 1.0.0/4']);
  });

  it('names nothing when nothing was built on it', () => {
    expect(builtOnRevoked({ ...revoked, builds: {} })).toEqual([]);
  });
});

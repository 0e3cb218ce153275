import { describe, expect, it } from 'vitest';
import { lineageOrder } from '../../../core/config/lineage.js';
import type { Catalog } from '../../../core/config/schema.js';
import { problemsAfter } from './helpers.js';

describe('parseCatalog lineage rules', () => {
  it('rejects a parent that names an unknown image, suggesting the near miss', () => {
    expect(problemsAfter((c) => (c.images.app.parent.image = 'bse'))).toEqual([
      'images.app.parent.image: unknown image "bse" (did you mean "base"?)',
    ]);
  });

  it('rejects a parent channel that does not exist', () => {
    expect(problemsAfter((c) => (c.images.app.parent.channel = 'qa'))).toEqual([
      'images.app.parent.channel: unknown channel "qa" (known: dev, staging, prod)',
    ]);
  });

  it('rejects a parent channel the parent image is not promoted through', () => {
    const problems = problemsAfter((c) => {
      c.images.hardened.channels = ['dev', 'staging'];
      c.images.app.parent.channel = 'prod';
    });

    expect(problems).toEqual([
      'images.app.parent.channel: image "hardened" is not promoted through channel "prod" (its channels: dev, staging)',
    ]);
  });

  it('names a two-image lineage cycle once, from the first image in the catalog', () => {
    const problems = problemsAfter((c) => {
      c.images.base.parent = { image: 'hardened', channel: 'staging' };
    });

    expect(problems).toEqual(['images.base.parent: lineage cycle base → hardened → base']);
  });

  it('names a three-image cycle along parent links, and an image that is its own parent', () => {
    const problems = problemsAfter((c) => {
      c.images.base.parent = { image: 'app', channel: 'staging' };
      c.images['web-runtime'].parent = { image: 'web-runtime', channel: 'dev' };
    });

    expect(problems).toContain('images.base.parent: lineage cycle base → app → hardened → base');
    expect(problems).toContain('images.web-runtime.parent: lineage cycle web-runtime → web-runtime');
  });

  it("rejects a child region outside its parent's regions", () => {
    expect(problemsAfter((c) => c.images.app.regions.push('us-west-2'))).toEqual([
      'images.app.regions[2]: region "us-west-2" is not among parent image "hardened"\'s regions (us-east-1, eu-west-1, ap-southeast-2); the parent\'s channel pointer is read from SSM in each region',
    ]);
  });

  it('rejects a region listed twice', () => {
    expect(problemsAfter((c) => c.images.base.regions.push('us-east-1'))).toEqual([
      'images.base.regions[3]: duplicate region "us-east-1"',
    ]);
  });

  it("rejects an image's channel that is not in the catalog", () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].channels = ['dev', 'qa']))).toEqual([
      'images.web-runtime.channels[1]: unknown channel "qa" (known: dev, staging, prod)',
    ]);
  });

  it("rejects an image's channels out of catalog order", () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].channels = ['staging', 'dev']))).toEqual([
      'images.web-runtime.channels[1]: "dev" is out of order: channels are promoted in catalog order (dev → staging → prod)',
    ]);
  });

  it("rejects an image's channel listed twice", () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].channels = ['dev', 'dev']))).toEqual([
      'images.web-runtime.channels[1]: duplicate channel "dev"',
    ]);
  });

  it('allows a schedule on a child image', () => {
    const problems = problemsAfter((c) => {
      c.images.app.schedule = { type: 'cron', expression: 'cron(0 5 ? * MON *)' };
    });

    expect(problems).toEqual([]);
  });
});

describe('lineageOrder', () => {
  it('puts every parent before its children and leaves cycles out', () => {
    const image = (parent: Catalog['images'][string]['parent']) => ({ parent }) as Catalog['images'][string];
    const catalog = {
      images: {
        app: image({ image: 'hardened', channel: 'prod' }),
        hardened: image({ image: 'base', channel: 'prod' }),
        base: image('ssm:/aws/service/x'),
        loop: image({ image: 'loop', channel: 'prod' }),
      },
    } as unknown as Catalog;

    expect(lineageOrder(catalog)).toEqual(['base', 'hardened', 'app']);
  });
});

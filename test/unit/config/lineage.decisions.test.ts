import { describe, expect, it } from 'vitest';
import { imageChannelList, parentReferences, regionsWithinParent } from '../../../core/config/rules/lineage.js';
import type { CatalogRule } from '../../../core/config/rules/types.js';
import type { Catalog } from '../../../core/config/schema.js';

interface ImageShape {
  parent: string | { image: string; channel: string };
  regions: string[];
  channels?: string[];
}

const AMI = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** A catalog with only what the lineage rules read. */
const catalogOf = (images: Record<string, ImageShape>, channels = ['dev', 'staging', 'prod']): Catalog =>
  ({ channels: channels.map((name) => ({ name })), images }) as unknown as Catalog;

const problems = (rule: CatalogRule, catalog: Catalog): string[] => {
  const found: string[] = [];
  rule(
    catalog,
    (path, message) => found.push(`${path.map(String).join('.')}: ${message}`),
    { read: () => undefined },
    () => true,
  );
  return found;
};

const base: ImageShape = { parent: AMI, regions: ['us-east-1', 'eu-west-1'] };
const child = (parent: { image: string; channel: string }, extra: Partial<ImageShape> = {}): ImageShape => ({
  parent,
  regions: ['us-east-1'],
  ...extra,
});

describe('parentReferences', () => {
  it('accepts a parent image promoted through the channel named', () => {
    expect(problems(parentReferences, catalogOf({ base, app: child({ image: 'base', channel: 'prod' }) }))).toEqual([]);
  });

  it('suggests a name at most two edits away: a letter changed, added or left out', () => {
    const named = (image: string) =>
      problems(parentReferences, catalogOf({ basement: base, app: child({ image, channel: 'dev' }) }));

    expect(named('basemant')).toEqual(['images.app.parent.image: unknown image "basemant" (did you mean "basement"?)']);
    expect(named('basemen')).toEqual(['images.app.parent.image: unknown image "basemen" (did you mean "basement"?)']);
    expect(named('xbasements')).toEqual([
      'images.app.parent.image: unknown image "xbasements" (did you mean "basement"?)',
    ]);
    expect(named('bsmnt')).toEqual(['images.app.parent.image: unknown image "bsmnt" (known: basement, app)']);
    expect(named('abasemenxt')).toEqual([
      'images.app.parent.image: unknown image "abasemenxt" (did you mean "basement"?)',
    ]);
    expect(named('abasementxy')).toEqual([
      'images.app.parent.image: unknown image "abasementxy" (known: basement, app)',
    ]);
  });

  it('counts a changed letter as one edit, wherever it is', () => {
    const named = (image: string) =>
      problems(parentReferences, catalogOf({ abcdef: base, app: child({ image, channel: 'dev' }) }));

    expect(named('xbcdeg')[0]).toContain('(did you mean "abcdef"?)');
    expect(named('xbcxeg')[0]).toContain('(known: abcdef, app)');
    expect(named('bacdfe')[0]).toContain('(known: abcdef, app)');
  });

  it('reports an unknown channel with the known ones, and an unknown image and channel both', () => {
    expect(
      problems(parentReferences, catalogOf({ base, app: child({ image: 'nothing-like-it', channel: 'qa' }) })),
    ).toEqual([
      'images.app.parent.image: unknown image "nothing-like-it" (known: base, app)',
      'images.app.parent.channel: unknown channel "qa" (known: dev, staging, prod)',
    ]);
    expect(problems(parentReferences, catalogOf({ base, app: child({ image: 'base', channel: 'stagin' }) }))).toEqual([
      'images.app.parent.channel: unknown channel "stagin" (did you mean "staging"?)',
    ]);
  });

  it("refuses a parent channel outside the parent's own channels, not an unknown parent's", () => {
    const catalog = catalogOf({
      base: { ...base, channels: ['dev', 'staging'] },
      app: child({ image: 'base', channel: 'prod' }),
      web: child({ image: 'gone', channel: 'prod' }),
    });

    expect(problems(parentReferences, catalog)).toEqual([
      'images.app.parent.channel: image "base" is not promoted through channel "prod" (its channels: dev, staging)',
      'images.web.parent.image: unknown image "gone" (known: base, app, web)',
    ]);
  });

  it('reports a lineage cycle at the first image of the cycle', () => {
    const catalog = catalogOf({
      base,
      a: child({ image: 'b', channel: 'dev' }),
      b: child({ image: 'a', channel: 'dev' }),
    });

    expect(problems(parentReferences, catalog)).toEqual(['images.a.parent: lineage cycle a → b → a']);
  });
});

describe('regionsWithinParent', () => {
  it("refuses a child region outside its parent's, at its index, and accepts the others", () => {
    const catalog = catalogOf({
      base,
      app: child({ image: 'base', channel: 'dev' }, { regions: ['ap-south-1', 'eu-west-1'] }),
    });

    expect(problems(regionsWithinParent, catalog)).toEqual([
      'images.app.regions.0: region "ap-south-1" is not among parent image "base"\'s regions (us-east-1, eu-west-1); the parent\'s channel pointer is read from SSM in each region',
    ]);
  });

  it('refuses a region listed twice, at its second place, also on an image with no catalog parent', () => {
    const catalog = catalogOf({
      base: { parent: AMI, regions: ['us-east-1', 'eu-west-1', 'us-east-1'] },
      app: child({ image: 'gone', channel: 'dev' }, { regions: ['sa-east-1'] }),
    });

    expect(problems(regionsWithinParent, catalog)).toEqual(['images.base.regions.2: duplicate region "us-east-1"']);
  });
});

describe('imageChannelList', () => {
  it('accepts channels in catalog order, with gaps', () => {
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['dev', 'prod'] } }))).toEqual([]);
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['prod'] } }))).toEqual([]);
  });

  it('refuses an unknown channel, suggesting a near name or listing the known ones', () => {
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['dev', 'prd', 'qa'] } }))).toEqual([
      'images.base.channels.1: unknown channel "prd" (did you mean "prod"?)',
      'images.base.channels.2: unknown channel "qa" (known: dev, staging, prod)',
    ]);
  });

  it('lists no known channels when the catalog has none', () => {
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['dev'] } }, []))).toEqual([
      'images.base.channels.0: unknown channel "dev"',
    ]);
  });

  it('refuses a channel listed twice, at its second place', () => {
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['dev', 'staging', 'dev'] } }))).toEqual([
      'images.base.channels.2: duplicate channel "dev"',
    ]);
  });

  it('refuses a channel before one listed earlier, and judges the next against the last in order', () => {
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['staging', 'dev', 'prod'] } }))).toEqual([
      'images.base.channels.1: "dev" is out of order: channels are promoted in catalog order (dev → staging → prod)',
    ]);
    expect(problems(imageChannelList, catalogOf({ base: { ...base, channels: ['prod', 'dev', 'staging'] } }))).toEqual([
      'images.base.channels.1: "dev" is out of order: channels are promoted in catalog order (dev → staging → prod)',
      'images.base.channels.2: "staging" is out of order: channels are promoted in catalog order (dev → staging → prod)',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import {
  affectedImages,
  amiUpdateTopicArns,
  baseParameterOf,
  parametersForNotice,
  watchedParameters,
} from '../../../core/triggers/affected.js';
import { AL2, AL2023, triggerCatalog } from './fixtures.js';

const AL2023_TOPIC = 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2023-ami-updates';
const AL2_TOPIC = 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2-ami-updates';

/** The fixture with `legacy` (AL2) and `web` (a container parent) following base-image releases too. */
function allFollowing(): Catalog {
  const catalog = triggerCatalog();
  const legacy = catalog.images.legacy;
  const web = catalog.images.web;
  if (!legacy || !web) throw new Error('fixture changed');
  return {
    ...catalog,
    images: {
      ...catalog.images,
      legacy: { ...legacy, triggers: { ...legacy.triggers, baseImage: true } },
      web: { ...web, triggers: { ...web.triggers, baseImage: true } },
    },
  };
}

describe('baseParameterOf', () => {
  it('reads the parameter of an ssm: parent only', () => {
    const catalog = triggerCatalog();
    expect(baseParameterOf(catalog, 'base')).toBe(AL2023);
    expect(baseParameterOf(catalog, 'web')).toBeUndefined();
    expect(baseParameterOf(catalog, 'hardened')).toBeUndefined();
    expect(baseParameterOf(catalog, 'nope')).toBeUndefined();
  });
});

describe('watchedParameters and parametersForNotice', () => {
  it('knows the AL2023 and AL2 topics', () => {
    expect(amiUpdateTopicArns).toEqual([AL2023_TOPIC, AL2_TOPIC]);
  });

  it('watches each ssm: parameter once, in catalog order, leaving out parents that are not parameters', () => {
    expect(watchedParameters(allFollowing())).toEqual([AL2023, AL2]);
  });

  it('maps each topic to its own family only', () => {
    expect(parametersForNotice(allFollowing(), AL2_TOPIC)).toEqual([AL2]);
    expect(parametersForNotice(allFollowing(), AL2023_TOPIC)).toEqual([AL2023]);
  });
});

describe('affectedImages', () => {
  const catalog = triggerCatalog();

  it('rebuilds the scheduled or requested image when the catalog has it', () => {
    expect(affectedImages(catalog, { kind: 'schedule', image: 'web', scheduledTime: '2027-01-03T04:00:00Z' })).toEqual([
      'web',
    ]);
    expect(
      affectedImages(catalog, {
        kind: 'manual',
        image: 'tools',
        requestId: 'r-1',
        requestedBy: 'alice',
        requestedAt: '2027-01-03T04:00:00Z',
      }),
    ).toEqual(['tools']);
    expect(affectedImages(catalog, { kind: 'schedule', image: 'gone', scheduledTime: '2027-01-03T04:00:00Z' })).toEqual(
      [],
    );
  });

  it('rebuilds on a base-image change the images following releases of that parameter', () => {
    const change = (parameter: string) =>
      ({
        kind: 'base-image',
        parameter,
        region: 'us-east-1',
        amiId: 'ami-1',
        observedAt: '2027-01-03T04:00:00Z',
      }) as const;
    expect(affectedImages(catalog, change(AL2023))).toEqual(['base', 'tools']);
    expect(affectedImages(catalog, change(AL2))).toEqual([]);
    expect(affectedImages(allFollowing(), change(AL2))).toEqual(['legacy']);
  });

  it('rebuilds on a package release the images that list it, narrowed to the images CI names', () => {
    const change = { kind: 'package', name: 'openssl', version: '3.0.9', source: 'ci', observedAt: 'x' } as const;
    expect(affectedImages(catalog, change)).toEqual(['base', 'hardened', 'app']);
    expect(affectedImages(catalog, { ...change, images: ['app', 'web', 'base'] })).toEqual(['base', 'app']);
    expect(affectedImages(catalog, { ...change, images: [] })).toEqual([]);
    expect(affectedImages(catalog, { ...change, name: 'curl' })).toEqual([]);
  });

  it("rebuilds on a promotion the children following that parent's channel", () => {
    const change = {
      kind: 'cascade',
      parent: 'base',
      channel: 'staging',
      buildVersion: '1.0.0/1',
      promotedAt: 'x',
    } as const;
    expect(affectedImages(catalog, change)).toEqual(['hardened']);
    expect(affectedImages(catalog, { ...change, channel: 'prod' })).toEqual(['edge']);
    expect(affectedImages(catalog, { ...change, parent: 'hardened' })).toEqual(['app']);
    expect(affectedImages(catalog, { ...change, parent: 'app' })).toEqual([]);
  });
});

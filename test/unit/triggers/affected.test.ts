import { describe, expect, it } from 'vitest';
import { amiUpdateTopicArns, parametersForNotice, watchedParameters } from '../../../core/triggers/affected.js';
import { ancestorsOf, lineageOrder } from '../../../core/triggers/lineage.js';
import { AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();

describe('watchedParameters', () => {
  it('lists each base parameter once, only for images that rebuild on base releases', () => {
    expect(watchedParameters(catalog)).toEqual([AL2023]);
  });
});

describe('parametersForNotice', () => {
  it('maps the AL2023 AMI-update topic to the watched AL2023 parameters', () => {
    expect(parametersForNotice(catalog, 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2023-ami-updates')).toEqual([
      AL2023,
    ]);
  });

  it('maps the AL2 topic to nothing when no image follows AL2 releases', () => {
    expect(parametersForNotice(catalog, 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2-ami-updates')).toEqual([]);
  });

  it('ignores a topic it does not know', () => {
    expect(parametersForNotice(catalog, 'arn:aws:sns:us-east-1:111122223333:other')).toEqual([]);
    expect(amiUpdateTopicArns).toHaveLength(2);
  });
});

describe('lineageOrder', () => {
  it('puts parents before children and otherwise keeps catalog order', () => {
    const order = lineageOrder(catalog);
    expect(order.indexOf('base')).toBeLessThan(order.indexOf('hardened'));
    expect(order.indexOf('hardened')).toBeLessThan(order.indexOf('app'));
    expect(order.slice(0, 4)).toEqual(['base', 'web', 'tools', 'legacy']);
  });

  it('lists ancestors nearest first', () => {
    expect(ancestorsOf(catalog, 'app')).toEqual(['hardened', 'base']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareBuildVersions,
  executionNameFor,
  parseBuildVersionArn,
  versionsBeyondRetention,
} from '../../../core/promotion/naming.js';

const arn = 'arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base-3f9a2c1d/1.0.0/3';

describe('parseBuildVersionArn', () => {
  it('reads the build version from a build version ARN', () => {
    expect(parseBuildVersionArn(arn)).toEqual({ name: 'goldsmith-base-3f9a2c1d', buildVersion: '1.0.0/3' });
  });

  it('refuses a version ARN without the build number', () => {
    expect(() => parseBuildVersionArn(arn.replace(/\/3$/, ''))).toThrow(/not an image build version ARN/);
  });
});

describe('executionNameFor', () => {
  it('is the same for the same build and readable', () => {
    expect(executionNameFor(arn)).toBe(executionNameFor(arn));
    expect(executionNameFor(arn)).toMatch(/^goldsmith-base-3f9a2c1d-1-0-0-3-[0-9a-f]{12}$/);
  });

  it('differs between builds of the same version', () => {
    expect(executionNameFor(arn)).not.toBe(executionNameFor(arn.replace(/\/3$/, '/4')));
  });

  it('always yields a valid Step Functions name of at most 80 characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_-]{1,128}$/), fc.nat(99), fc.nat(9999), (name, minor, build) => {
        const n = executionNameFor(`arn:aws:imagebuilder:eu-west-1:111122223333:image/${name}/1.${minor}.0/${build}`);
        expect(n.length).toBeLessThanOrEqual(80);
        expect(n).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });
});

describe('compareBuildVersions', () => {
  it('orders by semantic version, then build number, numerically', () => {
    const sorted = ['1.0.0/10', '1.1.0/1', '1.0.0/9', '0.9.9/99'].sort(compareBuildVersions);
    expect(sorted).toEqual(['0.9.9/99', '1.0.0/9', '1.0.0/10', '1.1.0/1']);
  });
});

describe('versionsBeyondRetention', () => {
  it('keeps the newest N and returns the rest oldest first', () => {
    expect(versionsBeyondRetention(['1.0.0/1', '1.0.0/4', '1.0.0/2', '1.0.0/3', '1.0.0/2'], 2)).toEqual([
      '1.0.0/1',
      '1.0.0/2',
    ]);
  });

  it('retires nothing while there are no more than N', () => {
    expect(versionsBeyondRetention(['1.0.0/1'], 3)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  attemptExecutionNameFor,
  buildHashOfExecutionName,
  byImageThenVersion,
  compareBuildVersions,
  executionNameFor,
  resumedExecutionNameFor,
} from '../../../core/promotion/naming.js';

const longArn = `arn:aws:imagebuilder:eu-west-1:111122223333:image/${'n'.repeat(128)}/1.0.0/3`;

describe('executionNameFor: the 80-character limit', () => {
  it('cuts the readable part so that the name with its hash is exactly 80 characters', () => {
    const name = executionNameFor(longArn);

    expect(name).toHaveLength(80);
    expect(name).toMatch(/^n{67}-[0-9a-f]{12}$/);
  });

  it('gives way to a suffix: a resumption keeps the hash and ends in -r<n>, still 80 characters', () => {
    const first = executionNameFor(longArn);
    const resumed = resumedExecutionNameFor(longArn, 12);

    expect(resumed).toHaveLength(80);
    expect(resumed).toBe(`${'n'.repeat(63)}-${first.slice(-12)}-r12`);
  });

  it('names a resumption of a short build after its first name', () => {
    const arn = 'arn:aws:imagebuilder:eu-west-1:111122223333:image/base/1.0.0/3';

    expect(resumedExecutionNameFor(arn, 2)).toBe(`${executionNameFor(arn)}-r2`);
  });

  it('names a promotion attempt after the first by its number, apart from every resumption, with the same build hash', () => {
    const arn = 'arn:aws:imagebuilder:eu-west-1:111122223333:image/base/1.0.0/3';
    const first = executionNameFor(arn);
    const attempt = attemptExecutionNameFor(arn, 2);

    expect(attempt).toBe(`${first}-g2`);
    expect(attempt).not.toBe(resumedExecutionNameFor(arn, 2));
    expect(buildHashOfExecutionName(attempt)).toBe(first.slice(-12));
    expect(attemptExecutionNameFor(longArn, 2)).toHaveLength(80);
    expect(buildHashOfExecutionName(attemptExecutionNameFor(longArn, 2))).toBe(executionNameFor(longArn).slice(-12));
  });
});

describe('compareBuildVersions', () => {
  it('counts a missing part as 0, so a build of a version comes after the version alone', () => {
    expect(compareBuildVersions('1.0.0/3', '1.0.0')).toBeGreaterThan(0);
    expect(compareBuildVersions('1.0.0', '1.0.0/3')).toBeLessThan(0);
    expect(compareBuildVersions('1.0.0/0', '1.0.0')).toBe(0);
    expect(compareBuildVersions('1.0.0/3', '1.0.0/3')).toBe(0);
  });
});

describe('byImageThenVersion', () => {
  it('orders by image name, then oldest build version first', () => {
    const records = [
      { image: 'web', version: '1.0.0/2' },
      { image: 'base', version: '1.0.0/10' },
      { image: 'base', version: '1.0.0/9' },
      { image: 'app', version: '2.0.0/1' },
    ];

    expect([...records].sort(byImageThenVersion)).toEqual([
      { image: 'app', version: '2.0.0/1' },
      { image: 'base', version: '1.0.0/9' },
      { image: 'base', version: '1.0.0/10' },
      { image: 'web', version: '1.0.0/2' },
    ]);
  });
});

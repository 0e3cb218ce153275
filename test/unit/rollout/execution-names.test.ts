import { describe, expect, it } from 'vitest';
import {
  launchTemplateClientToken,
  rolloutExecutionName,
  rolloutExecutionNameOf,
  rolloutTakeBackExecutionName,
  tokenVersion,
} from '../../../core/rollout/request.js';

const WHERE = { image: 'base', channel: 'prod', account: '300000000001', region: 'us-east-1', group: 'web' };
const record = { image: 'base', channel: 'prod', version: '1.0.0/1' };
const retried = { ...record, operatorActions: [{ action: 'retry' as const, by: 'ops', at: '2027-02-02T00:00:00Z' }] };

describe('a rollout of a later promotion attempt', () => {
  it("keeps the first attempt's names as a rollout started before attempts existed has them", () => {
    // Each one as the release before computed it: an execution of an in-flight rollout is found by its name.
    expect(rolloutExecutionName('base', 'prod', '1.0.0/1')).toBe('base-prod-1-0-0-1-80c0b00accab');
    expect(rolloutExecutionNameOf(record)).toBe('base-prod-1-0-0-1-80c0b00accab');
    expect(rolloutExecutionNameOf({ ...record, attempt: 1 })).toBe('base-prod-1-0-0-1-80c0b00accab');
    expect(rolloutExecutionNameOf(retried)).toBe('retry1-base-prod-1-0-0-1-3be70a683278');
    expect(rolloutTakeBackExecutionName('base', 'prod', '1.0.0/1')).toBe('back-base-prod-1-0-0-1-8fcedb214d2f');
    // A long name is cut to 80 characters, the hash kept whole.
    const long = ['a-very-long-image-name-for-the-platform-team.golden', 'production_eu', '10.20.30/400'] as const;
    expect(rolloutExecutionName(...long, 3)).toBe(
      'retry3-a-very-long-image-name-for-the-platform-team-golden-producti-b3d59fee593d',
    );
    expect(rolloutExecutionName(...long, 3, 2)).toHaveLength(80);
    expect(launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1') })).toBe(
      'goldsmith-5d234c8fb46ebf6faf3c6500dbd667005823fe5bc30a020d',
    );
    expect(launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1', 1, 1) })).toBe(
      'goldsmith-f69471aeacd9c7730aefa38fd782d297ae1c1e23d2ab439c',
    );
  });

  it('runs under names of its own, its retries and take-back too, each the same on every call', () => {
    const second = { ...record, attempt: 2 };
    const names = [
      rolloutExecutionNameOf(record),
      rolloutExecutionNameOf(second),
      rolloutExecutionNameOf({ ...retried, attempt: 2 }),
      rolloutExecutionNameOf({ ...record, attempt: 3 }),
      rolloutTakeBackExecutionName('base', 'prod', '1.0.0/1'),
      rolloutTakeBackExecutionName('base', 'prod', '1.0.0/1', 2),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(rolloutExecutionNameOf(second)).toMatch(/^a2-base-prod-1-0-0-1-[0-9a-f]{12}$/);
    expect(rolloutExecutionNameOf({ ...retried, attempt: 2 })).toMatch(/^retry1-a2-base-prod-/);
    expect(rolloutTakeBackExecutionName('base', 'prod', '1.0.0/1', 2)).toMatch(
      /^back-a2-base-prod-1-0-0-1-[0-9a-f]{12}$/,
    );
    expect(rolloutExecutionName('base', 'prod', '1.0.0/1', 0, 2)).toBe(rolloutExecutionNameOf(second));
    expect(rolloutExecutionName('base', 'prod', '1.0.0/1', 1, 2)).toBe(
      rolloutExecutionNameOf({ ...retried, attempt: 2 }),
    );
    for (const name of names) expect(name.length).toBeLessThanOrEqual(80);
  });

  it("asks EC2 for launch template versions of its own: the first attempt's token would return its version", () => {
    const first = launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1') });
    const second = launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1', 2) });
    const secondRetried = launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1', 2, 1) });
    expect(new Set([first, second, secondRetried]).size).toBe(3);
    expect(launchTemplateClientToken({ ...WHERE, version: tokenVersion('1.0.0/1', 2) })).toBe(second);
  });
});

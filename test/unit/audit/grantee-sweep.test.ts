import { describe, expect, it } from 'vitest';
import {
  baselineGrantsOf,
  extraGrantsOf,
  memberGrantee,
  memberGrantsByAccount,
} from '../../../core/audit/grantee-sweep.js';
import type { ListedGrant } from '../../../core/audit/key-grants.js';
import { AUTO_SCALING_GRANT_OPERATIONS, autoScalingGrantName } from '../../../core/sharing/key-grants.js';

/** The AMI key's grants judged by grantee (core/audit/grantee-sweep.ts): one baseline grant per account kept. */

const FACTORY = '111122223333';
const MEMBER = '200000000001';
const role = (a: string, name = 'AWSServiceRoleForAutoScaling') =>
  `arn:aws:iam::${a}:role/aws-service-role/autoscaling.amazonaws.com/${name}`;
const stackId = (uuid: string) => `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/StackSet-baseline/${uuid}`;
let seq = 0;
/** A grant to `grantee`, one minute after the one before. */
const made = (grantee: string, extra: Partial<ListedGrant> = {}): ListedGrant => {
  seq++;
  return {
    grantId: `g${String(seq).padStart(4, '0')}`,
    granteePrincipal: grantee,
    operations: [...AUTO_SCALING_GRANT_OPERATIONS],
    creationDate: new Date(Date.UTC(2027, 0, 1, 0, seq)).toISOString(),
    ...extra,
  };
};

describe('memberGrantee', () => {
  it("names the member whose Auto Scaling role is the grantee, and nothing for the factory's own grants", () => {
    expect(memberGrantee(made(role(MEMBER)), FACTORY)).toBe(MEMBER);
    expect(memberGrantee(made(role(MEMBER, 'AWSServiceRoleForAutoScaling_custom')), FACTORY)).toBe(MEMBER);
    for (const grantee of [
      role(FACTORY),
      `arn:aws:iam::${FACTORY}:role/goldsmith-prod-imagebuilder`,
      'aws:ec2-infrastructure',
      'ec2.eu-west-1.amazonaws.com',
      'imagebuilder.amazonaws.com',
      `arn:aws:iam::${MEMBER}:role/app`,
      `arn:aws:iam::${MEMBER}:role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    ])
      expect(memberGrantee(made(grantee), FACTORY)).toBeUndefined();
  });
});

describe('baselineGrantsOf and extraGrantsOf', () => {
  it("keeps the baseline's grant among 200 others to the same role, whatever their names, and revokes the rest", () => {
    // A grant under the baseline's prefix made before the baseline's own (by hand, while the stack was created).
    const early = made(role(MEMBER), { name: 'goldsmith-auto-scaling-mine' });
    const baseline = made(role(MEMBER), { name: autoScalingGrantName(stackId('uuid-1')) });
    const others = Array.from({ length: 200 }, (_, i) =>
      made(role(MEMBER), {
        ...([{ name: `x${i}` }, { name: `goldsmith-auto-scaling-${i}` }, {}][i % 3] ?? {}),
        ...(i % 2 ? { operations: ['Decrypt'] } : {}),
      }),
    );
    const grants = [...others.slice(0, 100), baseline, early, ...others.slice(100)];
    const byAccount = memberGrantsByAccount(grants, FACTORY);
    expect([...byAccount.keys()]).toEqual([MEMBER]);
    // Without StackSets' word the oldest of the baseline's shape; with it, the one named after the account's stack.
    expect(baselineGrantsOf(grants)).toEqual([early]);
    const kept = baselineGrantsOf(grants, [stackId('uuid-1')]);
    expect(kept).toEqual([baseline]);
    const extra = extraGrantsOf(MEMBER, grants, kept);
    expect(extra).toHaveLength(201);
    expect(extra.map((e) => e.grant.grantId)).not.toContain(baseline.grantId);
  });

  it('keeps one grant per stack instance while an account moves between OUs, the oldest of each name', () => {
    const old = made(role(MEMBER), { name: autoScalingGrantName(stackId('old')) });
    const copy = made(role(MEMBER), { name: autoScalingGrantName(stackId('old')) });
    const fresh = made(role(MEMBER), { name: autoScalingGrantName(stackId('new')) });
    expect(baselineGrantsOf([fresh, copy, old], [stackId('old'), stackId('new')])).toEqual([old, fresh]);
  });

  it('keeps the oldest grant that serves Auto Scaling when none has the baseline’s name, never one with constraints or fewer operations first', () => {
    const constrained = made(role(MEMBER), { name: 'goldsmith-auto-scaling-a', constrained: true });
    const fewer = made(role(MEMBER), { operations: ['Decrypt'] });
    const serving = made(role(MEMBER), { name: 'mine' });
    expect(baselineGrantsOf([constrained, fewer, serving])).toEqual([serving]);
    expect(baselineGrantsOf([fewer])).toEqual([fewer]);
  });

  it('takes the documented operations in any order as serving Auto Scaling, not a list that repeats one and lacks another', () => {
    const [first = '', second = '', ...rest] = AUTO_SCALING_GRANT_OPERATIONS;
    const repeated = made(role(MEMBER), { name: 'a', operations: [first, first, ...rest] });
    const reordered = made(role(MEMBER), { name: 'b', operations: [...rest].reverse().concat(second, first) });
    expect(baselineGrantsOf([repeated, reordered])).toEqual([reordered]);
    const many = Array.from({ length: 3 }, () => made(role(MEMBER), { operations: [second, ...rest] }));
    expect(memberGrantsByAccount([...many, reordered], FACTORY).get(MEMBER)).toEqual([...many, reordered]);
  });
});

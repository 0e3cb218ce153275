import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../core/errors/classify.js';
import type { LaunchGrant } from '../../../core/sharing/grants.js';
import { applyLaunchPermissionCalls, planLaunchPermissions } from '../../../core/sharing/planner.js';
import {
  AMI_SHARING_QUOTA,
  AmiSharingQuotaError,
  assertWithinSharingQuota,
  sharingEntities,
} from '../../../core/sharing/sharing-quota.js';

const ORG: LaunchGrant = { OrganizationArn: 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5' };
const OU: LaunchGrant = {
  OrganizationalUnitArn: 'arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-x1y2-dev00001',
};
const accounts = (from: number, count: number): LaunchGrant[] =>
  Array.from({ length: count }, (_, i) => ({ UserId: String(300000000000 + from + i) }));

describe('sharingEntities', () => {
  it('counts organizations, OUs and accounts once each, and public access not at all', () => {
    expect(sharingEntities([ORG, OU, OU, ...accounts(0, 3), { Group: 'all' }])).toBe(5);
  });

  it('counts what a plan leaves in force (held, plus added, minus removed) as the desired set, whatever is held', () => {
    const desired = [ORG, ...accounts(5, 10)];
    for (const current of [[], [OU, ...accounts(0, 10), { Group: 'all' } as const], accounts(0, 1_000), desired]) {
      const after = applyLaunchPermissionCalls(current, planLaunchPermissions(current, desired));

      expect(sharingEntities(after)).toBe(sharingEntities(desired));
    }
    expect(sharingEntities(desired)).toBe(11);
  });
});

describe('assertWithinSharingQuota', () => {
  const check = {
    image: 'base',
    version: '1.0.0/3',
    regions: ['us-east-1', 'eu-west-1'],
    channels: [
      { channel: 'dev', entities: 1 },
      { channel: 'prod', entities: 1_000 },
    ],
  };

  it('passes at the quota and refuses one over it, naming image, version, channels, Regions, count and quota', () => {
    expect(AMI_SHARING_QUOTA).toBe(1_000);
    expect(() => assertWithinSharingQuota({ ...check, entities: 1_000 })).not.toThrow();

    const refused = (() => {
      try {
        assertWithinSharingQuota({ ...check, entities: 1_001 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(refused).toBeInstanceOf(AmiSharingQuotaError);
    expect((refused as Error).name).toBe('AmiSharingQuotaExceeded');
    expect((refused as Error).message).toBe(
      'base 1.0.0/3 would be shared with 1,001 entities (organizations, OUs, accounts) per AMI in us-east-1, eu-west-1, over EC2\'s AMI sharing quota of 1,000 per AMI and Region (channels: dev 1, prod 1,000); nothing was changed. Target OUs or the organization instead of accounts one by one, or raise the "AMI sharing" quota in Service Quotas (Amazon EC2) in each of these Regions (docs/deploy.md)',
    );
    expect(classifyError(refused)).toBe('permanent');
  });

  it('holds to a raised quota when one is given', () => {
    expect(() => assertWithinSharingQuota({ ...check, entities: 1_500, quota: 2_000 })).not.toThrow();
    expect(() => assertWithinSharingQuota({ ...check, entities: 2_001, quota: 2_000 })).toThrow('quota of 2,000');
  });
});

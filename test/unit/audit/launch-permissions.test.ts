import { describe, expect, it } from 'vitest';
import {
  describeGrants,
  grantDrift,
  hasGrantDrift,
  launchDriftSk,
  repairableDrift,
} from '../../../core/audit/launch-permissions.js';

const DEV = { OrganizationalUnitArn: 'arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-x1y2-dev00001' };
const DAY1 = new Date('2027-01-04T00:00:00Z');
const PRD = { OrganizationalUnitArn: 'arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-x1y2-prd00001' };

describe('grantDrift', () => {
  it('finds no drift when EC2 holds exactly the wanted grants, in any order', () => {
    expect(hasGrantDrift(grantDrift([PRD, DEV], [DEV, PRD]))).toBe(false);
  });

  it('names what someone added (an account, the public) and what someone removed', () => {
    const drift = grantDrift([DEV, { UserId: '999999999999' }, { Group: 'all' }], [DEV, PRD]);
    expect(drift).toEqual({ missing: [PRD], extra: [{ UserId: '999999999999' }, { Group: 'all' }] });
    expect(describeGrants(drift.extra)).toBe('account 999999999999, everyone (public)');
    expect(describeGrants(drift.missing)).toBe('OU ou-x1y2-prd00001');
    expect(launchDriftSk('1.0.0/3', 'us-east-1', drift, DAY1)).toMatch(
      /^DRIFT#launch#1\.0\.0\/3#us-east-1#2027-01-04#[0-9a-f]{16}$/,
    );
  });

  it('keys a drift by the day found and a hash of the grants: the same change on another day is a new record', () => {
    const drift = grantDrift([DEV, { UserId: '999999999999' }], [DEV]);
    const sk = launchDriftSk('1.0.0/3', 'us-east-1', drift, DAY1);
    expect(launchDriftSk('1.0.0/3', 'us-east-1', drift, new Date('2027-01-04T05:00:00Z'))).toBe(sk);
    expect(launchDriftSk('1.0.0/3', 'us-east-1', drift, new Date('2027-01-05T00:00:00Z'))).not.toBe(sk);
    const other = grantDrift([DEV, { UserId: '999999999998' }], [DEV]);
    expect(launchDriftSk('1.0.0/3', 'us-east-1', other, DAY1)).not.toBe(sk);
  });

  it("keeps the key within DynamoDB's 1,024-byte sort key however many grants were added", () => {
    const many = Array.from({ length: 1_000 }, (_, i) => ({ UserId: String(900000000000 + i) }));
    const sk = launchDriftSk('1.0.0/3', 'us-east-1', grantDrift([DEV, ...many], [DEV]), DAY1);
    expect(Buffer.byteLength(sk)).toBeLessThan(1_024);
  });

  it('wants every grant withdrawn when nothing is wanted', () => {
    expect(grantDrift([DEV], [])).toEqual({ missing: [], extra: [DEV] });
    expect(describeGrants([])).toBe('nobody');
  });
});

describe('a promotion in flight', () => {
  it('lets its grants be, neither withdrawn nor added, and still withdraws a grant nobody explains', () => {
    const stranger = { UserId: '999999999999' };
    const drift = repairableDrift([DEV, PRD, stranger], [DEV], [PRD]);
    expect(drift).toEqual({ missing: [], extra: [stranger], keep: [DEV, PRD] });
    // Not granted yet: the Share's to make, not the audit's.
    expect(repairableDrift([DEV], [DEV], [PRD])).toEqual({ missing: [], extra: [], keep: [DEV] });
  });
});

import { describe, expect, it } from 'vitest';
import { describeGrants, grantDrift, hasGrantDrift, launchDriftSk } from '../../../core/audit/launch-permissions.js';

const DEV = { OrganizationalUnitArn: 'arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-x1y2-dev00001' };
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
    expect(launchDriftSk('1.0.0/3', 'us-east-1', drift)).toBe(
      `DRIFT#launch#1.0.0/3#us-east-1#-ou:${PRD.OrganizationalUnitArn},+account:999999999999,+group:all`,
    );
  });

  it('wants every grant withdrawn when nothing is wanted', () => {
    expect(grantDrift([DEV], [])).toEqual({ missing: [], extra: [DEV] });
    expect(describeGrants([])).toBe('nobody');
  });
});

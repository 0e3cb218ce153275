import { describe, expect, it } from 'vitest';
import { usersOfVersion } from '../../../core/fleet/usage.js';

describe('usersOfVersion', () => {
  it('lists each account and Region with an instance or a launch template on the version, by account then Region', () => {
    const users = usersOfVersion([
      {
        region: 'us-east-1',
        observedAt: '2027-02-02T00:00:00.000Z',
        accounts: {
          '200000000002': { instances: 3, launchTemplates: 0 },
          '200000000001': { instances: 0, launchTemplates: 1 },
          '200000000003': { instances: 0, launchTemplates: 0 },
        },
      },
      {
        region: 'eu-west-1',
        observedAt: '2027-02-02T01:00:00.000Z',
        accounts: { '200000000001': { instances: 2, launchTemplates: 0 } },
      },
    ]);
    expect(users.map((u) => `${u.account} ${u.region} ${u.instances}/${u.launchTemplates}`)).toEqual([
      '200000000001 eu-west-1 2/0',
      '200000000001 us-east-1 0/1',
      '200000000002 us-east-1 3/0',
    ]);
    expect(users[0]?.observedAt).toBe('2027-02-02T01:00:00.000Z');
  });

  it('ignores a Region never observed', () => {
    expect(
      usersOfVersion([{ region: 'us-east-1', accounts: { '200000000001': { instances: 1, launchTemplates: 0 } } }]),
    ).toEqual([]);
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
const part = () => ({ checked: 0, reads: 1, findings: [], failures: [], permanentFailures: 0 });
vi.mock('../../../functions/audit/pointers.js', () => ({
  auditChannelPointers: async () => {
    calls.push('pointers');
    return part();
  },
}));
vi.mock('../../../functions/audit/launch-permissions.js', () => ({
  auditLaunchPermissions: async () => {
    calls.push('launch permissions');
    return part();
  },
}));
vi.mock('../../../functions/audit/pointer-policies.js', () => ({
  auditPointerPolicies: async (_plans: unknown, _now: Date, scope: unknown) => {
    calls.push(`pointer policies (${String(scope)})`);
    return part();
  },
}));
vi.mock('../../../functions/audit/rules.js', () => ({
  auditForwardingRules: async () => {
    calls.push('rules');
    return part();
  },
}));
vi.mock('../../../functions/audit/scheduled-revocations.js', () => ({
  auditScheduledRevocations: async () => {
    calls.push('scheduled revocations');
    return part();
  },
}));

const { auditWhatAwsHolds } = await import('../../../functions/audit/index.js');

const NOW = new Date('2027-01-05T01:00:00Z');

beforeEach(() => {
  calls.length = 0;
});

describe("the audit's sweeps: full reads at the catalog's cadence, event read-backs between them", () => {
  it("reads every pointer, pointer's policies, launch permission and rule only on their sweep days; the policies of pointers outside their shares daily; schedules every run", async () => {
    const none = { launchPermissions: false, pointers: false, pointerPolicies: false };
    await auditWhatAwsHolds([], NOW, true, none);
    expect(calls).toEqual(['scheduled revocations', 'pointer policies (outside-shares)']);

    calls.length = 0;
    await auditWhatAwsHolds([], NOW, true, { launchPermissions: true, pointers: true, pointerPolicies: false });
    expect(calls).toEqual([
      'scheduled revocations',
      'rules',
      'pointer policies (outside-shares)',
      'pointers',
      'launch permissions',
    ]);

    calls.length = 0;
    await auditWhatAwsHolds([], NOW, true, { ...none, pointerPolicies: true });
    expect(calls).toEqual(['scheduled revocations', 'pointer policies (all)']);

    calls.length = 0;
    await auditWhatAwsHolds([], NOW, false, { launchPermissions: true, pointers: true, pointerPolicies: true });
    expect(calls).toEqual(['scheduled revocations']);
  });
});

import { describe, expect, it } from 'vitest';
import { simulate } from '../../local/simulator/index.js';
import { AL2023, al2023Image, DEV_OU, orgCatalog, REPO_ROOT, scenarioBetween } from './helpers.js';

/** Accounts outside the organization when the run starts: each joins by invitation (the root). */
const LEAVER = '300000000001';
const JOINER = '300000000002';

/**
 * dev by OU; prod by the whole organization but dev, so the accounts at the root are granted by account id: one
 * joining or leaving changes prod's grants, and no OU grant covers it.
 */
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: [] } }) },
  [
    { name: 'dev', targets: { ous: [DEV_OU] }, soak: '1h' },
    { name: 'prod', targets: { organization: true, exclude: { ous: [DEV_OU] } }, soak: '1h' },
  ],
);

/**
 * The daily full read runs at midnight; everything here happens the same day, so only Organizations' membership
 * events (AccountJoinedOrganization, AccountDepartedOrganization) can bring the joins and the leave before the end.
 */
const events = [
  { at: '2027-01-01T00:30:00Z', kind: 'organization', change: 'accept-invitation', account: LEAVER },
  { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
  { at: '2027-01-01T06:00:00Z', kind: 'organization', change: 'leave-organization', account: LEAVER },
  { at: '2027-01-01T07:00:00Z', kind: 'organization', change: 'accept-invitation', account: JOINER },
  { at: '2027-01-01T10:00:00Z', kind: 'base-image-release', parameter: AL2023 },
];

describe('accounts joining by invitation and leaving on their own', () => {
  it('withdraws a leaver from every version and grants a joiner, days before the weekly full read', async () => {
    const result = await simulate(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-01T18:00:00Z', { events }),
      REPO_ROOT,
    );
    const prod = result.report.promotions.filter((p) => p.channel === 'prod' && p.outcome === 'promoted');
    // Two versions reached prod: one while the leaver was a member, one after it left and the joiner came.
    expect(new Set(prod.map((p) => p.version)).size).toBe(2);
    // The end-of-run audit asks the EC2 fake who can launch each AMI: the joiner can launch both versions (the first
    // re-granted on its event, the second shared to it), and the leaver neither, though it was granted the first.
    expect(result.report.consistency.problems).toEqual([]);
    expect(result.report.consistency.checks?.['launchable-by-targets']).toBeGreaterThan(0);
  }, 180_000);
});

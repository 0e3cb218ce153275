import { describe, expect, it } from 'vitest';
import { simulate } from '../../local/simulator/index.js';
import { AL2023, al2023Image, DEV_OU, orgCatalog, REPO_ROOT, scenarioBetween } from './helpers.js';

const PROD_OU = 'ou-x1y2-prd00001';
/** An account created during the run, in the root: reached by prod only through the tag prod selects by. */
const NEWCOMER = '300000000001';

/** dev by OU; prod by OU and by the tag ring=early, wherever the account is. */
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: [] } }) },
  [
    { name: 'dev', targets: { ous: [DEV_OU] }, soak: '1h' },
    { name: 'prod', targets: { ous: [PROD_OU], accountTags: { ring: 'early' } }, soak: '1h' },
  ],
);

const built = [
  { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
  { at: '2027-01-01T12:00:00Z', kind: 'organization', change: 'create-account', account: NEWCOMER },
];

function run(until: string, events: Record<string, unknown>[]) {
  return simulate(
    catalog,
    scenarioBetween('2027-01-01T00:00:00Z', until, { events: [...built, ...events] }),
    REPO_ROOT,
  );
}

/**
 * The end-of-run audit asks the EC2 fake whether every account each version's channels reach in the organization as
 * it is at that instant can launch it, and whether anyone else can: a run ending at an instant audits the grants then.
 */
describe('the organization changes while versions are shared', () => {
  it('a tag a channel selects by takes effect when its event arrives: the account is granted, then withdrawn', async () => {
    const tagged = await run('2027-01-02T02:00:00Z', [
      {
        at: '2027-01-02T00:00:00Z',
        kind: 'organization',
        change: 'tag-account',
        account: NEWCOMER,
        tags: { ring: 'early' },
      },
    ]);
    expect(tagged.report.consistency.problems).toEqual([]);
    expect(tagged.report.consistency.checks?.['launchable-by-targets']).toBeGreaterThan(0);

    const untagged = await run('2027-01-02T04:00:00Z', [
      {
        at: '2027-01-02T00:00:00Z',
        kind: 'organization',
        change: 'tag-account',
        account: NEWCOMER,
        tags: { ring: 'early' },
      },
      {
        at: '2027-01-02T02:00:00Z',
        kind: 'organization',
        change: 'tag-account',
        account: NEWCOMER,
        tags: { ring: null },
      },
    ]);
    expect(untagged.report.consistency.problems).toEqual([]);
  }, 180_000);

  it('a lost event is caught by the weekly full read', async () => {
    // The daily tick reads in full when the last full read is 7 days old (`monitoring.organizationFullReadEvery`): the
    // first tick (2027-01-02 at midnight) reads, the next full read is 2027-01-09's; the tag comes on 2027-01-02 and its
    // event is lost.
    const tag = {
      at: '2027-01-02T01:00:00Z',
      kind: 'organization',
      change: 'tag-account',
      account: NEWCOMER,
      tags: { ring: 'early' },
      dropEvent: true,
    };
    const before = await run('2027-01-02T03:00:00Z', [tag]);
    // The audit checks grants against the organization as it is: the tagged account is not reached yet.
    expect(before.report.consistency.problems.join('\n')).toMatch(new RegExp(NEWCOMER));
    const after = await run('2027-01-09T06:00:00Z', [tag]);
    expect(after.report.consistency.problems).toEqual([]);
  }, 180_000);

  it('accounts moved, closed and OUs created and deleted leave every grant as the organization is', async () => {
    const result = await run('2027-01-03T00:00:00Z', [
      {
        at: '2027-01-02T00:00:00Z',
        kind: 'organization',
        change: 'create-ou',
        ou: 'ou-x1y2-new00001',
        to: PROD_OU,
        name: 'payments',
      },
      {
        at: '2027-01-02T01:00:00Z',
        kind: 'organization',
        change: 'move-account',
        account: NEWCOMER,
        to: 'ou-x1y2-new00001',
      },
      { at: '2027-01-02T02:00:00Z', kind: 'organization', change: 'close-account', account: '200000000001' },
      { at: '2027-01-02T03:00:00Z', kind: 'organization', change: 'move-account', account: NEWCOMER, to: DEV_OU },
      { at: '2027-01-02T04:00:00Z', kind: 'organization', change: 'delete-ou', ou: 'ou-x1y2-new00001' },
    ]);
    expect(result.report.consistency.problems).toEqual([]);
  }, 180_000);
});

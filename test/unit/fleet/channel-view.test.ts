import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { channelFleet } from '../../../core/fleet/channel-view.js';
import { accountItem, ouItem, stateItem } from '../../../core/sharing/held-organization.js';
import type { OrgTree } from '../../../core/sharing/targets.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const AT = '2027-03-10T06:00:00.000Z';
const PRD1 = 'ou-x1y2-prd00001';
const PRD2 = 'ou-x1y2-prd00002';
const DEV = 'ou-x1y2-dev00001';

const TREE: OrgTree = {
  organizationArn: 'arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5',
  rootId: 'r-a1b2',
  ous: new Map([
    [PRD1, { arn: `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/${PRD1}`, parentId: 'r-a1b2', name: 'Prod A' }],
    [PRD2, { arn: `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/${PRD2}`, parentId: 'r-a1b2', name: 'Prod B' }],
    [DEV, { arn: `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/${DEV}`, parentId: 'r-a1b2', name: 'Dev' }],
  ]),
  accounts: new Map([
    ['200000000001', { parentId: PRD1, state: 'ACTIVE' }],
    ['200000000002', { parentId: PRD1, state: 'ACTIVE' }],
    ['200000000003', { parentId: PRD2, state: 'ACTIVE' }],
    ['300000000001', { parentId: DEV, state: 'ACTIVE' }],
  ]),
  tagsRead: false,
};
const ORG_ITEMS = [
  stateItem(TREE, AT),
  ...[...TREE.ous.keys()].map((id) => ouItem(TREE, id)),
  ...[...TREE.accounts.keys()].map((id) => accountItem(TREE, id)),
];

const promoted = (version: string, channel: string) => ({
  pk: 'IMAGE#base',
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: 'promoted',
  at: AT,
});
const usage = (version: string, accounts: Record<string, number>) => ({
  pk: 'IMAGE#base',
  sk: `USAGE#${version}#us-east-1`,
  version,
  region: 'us-east-1',
  observedAt: AT,
  accounts: Object.fromEntries(Object.entries(accounts).map(([a, n]) => [a, { instances: n, launchTemplates: 1 }])),
});
const ITEMS = [
  promoted('1.0.0/1', 'dev'),
  promoted('1.0.0/1', 'prod'),
  promoted('1.0.0/2', 'dev'),
  promoted('1.0.0/2', 'prod'),
  promoted('1.0.0/3', 'dev'),
  promoted('1.0.0/3', 'prod'),
  { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/3', at: AT },
  { pk: 'IMAGE#base', sk: 'CHANNEL#dev', channel: 'dev', version: '1.0.0/3', at: AT },
  usage('1.0.0/3', { '200000000001': 8, '200000000003': 4, '300000000001': 2 }),
  usage('1.0.0/1', { '200000000002': 4 }),
];
const COMPLIANCE = [PRD1, PRD2].map((ou) => ({
  pk: 'COMPLIANCE',
  sk: `CYCLE#2027-03#base#prod#${ou}`,
  cycle: '2027-03',
  image: 'base',
  channel: 'prod',
  ou,
  version: '1.0.0/3',
  startedAt: '2027-03-09T00:00:00.000Z',
  pointerAt: '2027-03-11T06:00:00.000Z',
  reached50At: '2027-03-12T06:00:00.000Z',
  ...(ou === PRD2 && { reached90At: '2027-03-13T00:00:00.000Z', reached100At: '2027-03-13T00:00:00.000Z' }),
  patched: ou === PRD2 ? 4 : 8,
  instances: ou === PRD2 ? 4 : 12,
}));

function savedCloud(ledger: unknown[]): Promise<string> {
  const dir = join(testTempDir('goldsmith-fleet-ou-'), 'cloud');
  return writeSavedCloud(dir, { catalogFile: join(REPO, 'goldsmith.config.ts'), at: AT, ledger });
}

describe('the fleet per channel and OU', () => {
  it("splits a channel's accounts by OU and standing, and names the accounts behind", () => {
    const ouOf = (a: string) => TREE.accounts.get(a)?.parentId;
    const rows = channelFleet('base', 'prod', ITEMS, new Set(['200000000001', '200000000002', '200000000003']), ouOf);
    expect(rows).toEqual([
      {
        image: 'base',
        channel: 'prod',
        ou: PRD1,
        accounts: 2,
        standings: { current: { accounts: 1, instances: 8 }, older: { accounts: 1, instances: 4 } },
        laggards: ['200000000002'],
      },
      {
        image: 'base',
        channel: 'prod',
        ou: PRD2,
        accounts: 1,
        standings: { current: { accounts: 1, instances: 4 } },
        laggards: [],
      },
    ]);
    // No organization held: every account, under "unknown".
    expect(channelFleet('base', 'prod', ITEMS, undefined, () => undefined).map((r) => r.ou)).toEqual(['unknown']);
  });

  it('counts an account that runs two versions once in its OU, and under each version it runs', () => {
    const both = [...ITEMS.filter((i) => !i.sk.startsWith('USAGE#')), usage('1.0.0/3', { '200000000001': 3 })];
    both.push(usage('1.0.0/1', { '200000000001': 1 }));
    const [row] = channelFleet('base', 'prod', both, new Set(['200000000001']), () => PRD1);
    expect(row?.accounts).toBe(1);
    expect(row?.standings).toEqual({ current: { accounts: 1, instances: 3 }, older: { accounts: 1, instances: 1 } });
  });

  it('answers `goldsmith fleet --channel --ou` from the held organization, with patch compliance per OU', async () => {
    const dir = await savedCloud([...ITEMS, ...ORG_ITEMS, ...COMPLIANCE]);
    const out = await captureOutput(() => main(['fleet', 'base', '--local', dir, '--channel', 'prod']));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`prod / ${PRD1} (Prod A): 2 account(s); current 1/8, older 1/4`);
    expect(out.stdout).toContain('behind: 200000000002');
    expect(out.stdout).toContain(`prod / ${PRD2} (Prod B): 1 account(s); current 1/4`);
    expect(out.stdout).not.toContain('dev /');
    expect(out.stdout).toContain(
      'prod 2027-03 (1.0.0/3): pointer moved after 54 h, 90 % of instances: median OU 4 d, worst not yet; not yet: Prod A',
    );
    const one = await captureOutput(() => main(['fleet', 'base', '--local', dir, '--ou', PRD2, '--json']));
    expect(one.code, one.stderr).toBe(0);
    const json = JSON.parse(one.stdout) as {
      channels: { channel: string; ou: string }[];
      compliance: { ous: { ou: string; hoursTo90: number | null }[] }[];
    };
    expect(new Set(json.channels.map((r) => r.ou))).toEqual(new Set([PRD2]));
    expect(json.compliance[0]?.ous).toEqual([expect.objectContaining({ ou: PRD2, hoursTo90: 96 })]);
    const unknown = await captureOutput(() => main(['fleet', 'base', '--local', dir, '--ou', 'ou-nope-00000000']));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--ou ou-nope-00000000 is not an OU of the organization Goldsmith holds');
    expect(unknown.stdout).toBe('');
  });

  it('groups by "unknown" OU when the ledger holds no organization, rather than failing', async () => {
    const dir = await savedCloud(ITEMS);
    const out = await captureOutput(() => main(['fleet', 'base', '--local', dir]));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('prod / unknown: 4 account(s); current 3/14, older 1/4');
  });
});

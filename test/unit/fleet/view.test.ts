import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFleet } from '../../../cli/fleet-output.js';
import { main } from '../../../cli/main.js';
import { channelFleet } from '../../../core/fleet/channel-view.js';
import { imageFleet } from '../../../core/fleet/view.js';
import type { LedgerItem } from '../../../core/status/image-view.js';
import { promotedToProd } from '../../fixtures/fleet-ledger.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const AT = '2027-03-10T06:00:00.000Z';

const promoted = (version: string) => promotedToProd(version, AT);
const usage = (version: string, region: string, accounts: Record<string, number>) => ({
  pk: 'IMAGE#base',
  sk: `USAGE#${version}#${region}`,
  version,
  region,
  observedAt: AT,
  accounts: Object.fromEntries(Object.entries(accounts).map(([a, n]) => [a, { instances: n, launchTemplates: 0 }])),
  instances: Object.values(accounts).reduce((x, y) => x + y, 0),
  launchTemplates: 0,
});

/** base: prod names 1.0.0/4; 1.0.0/3 before it; 1.0.0/2 older and retired; 1.0.0/1 revoked. */
const ITEMS = [
  promoted('1.0.0/1'),
  promoted('1.0.0/2'),
  promoted('1.0.0/3'),
  promoted('1.0.0/4'),
  { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/4', at: AT },
  { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', retiredAt: AT },
  { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state: 'revoked', reason: 'CVE', at: AT },
  usage('1.0.0/4', 'us-east-1', { '111111111111': 10, '222222222222': 4 }),
  usage('1.0.0/4', 'eu-west-1', { '111111111111': 2 }),
  usage('1.0.0/3', 'us-east-1', { '333333333333': 5 }),
  usage('1.0.0/2', 'us-east-1', { '444444444444': 1 }),
  usage('1.0.0/1', 'us-east-1', { '555555555555': 3, '333333333333': 0 }),
];

describe('the fleet of an image', () => {
  it("counts accounts and instances per version, and where each version stands against the last channel's", () => {
    const fleet = imageFleet('base', 'prod', ITEMS);
    expect(fleet.current).toBe('1.0.0/4');
    expect(fleet.versions.map((v) => [v.version, v.standing, v.accounts, v.instances])).toEqual([
      ['1.0.0/4', 'current', 2, 16],
      ['1.0.0/3', 'one-behind', 1, 5],
      ['1.0.0/2', 'retired', 1, 1],
      ['1.0.0/1', 'revoked', 1, 3],
    ]);
    expect(fleet.totals.revoked).toEqual({ accounts: 1, instances: 3 });
    expect(fleet.totals.current).toEqual({ accounts: 2, instances: 16 });
  });

  it('says who runs a revoked or older version, in words', () => {
    const text = renderFleet({
      images: [imageFleet('base', 'prod', ITEMS)],
      channels: [],
      compliance: [],
      missed: [],
      ouNames: {},
    });
    expect(text).toContain('base  (prod: 1.0.0/4)');
    expect(text).toMatch(/1\.0\.0\/1 +REVOKED +1 account\(s\), 3 instance\(s\)/);
    expect(text).toContain('1 account(s) still run a revoked version');
    expect(text).toContain(
      '2 of the 5 account(s) that run it are behind prod (on an older, revoked, retired or never-promoted version; one behind is not counted)',
    );
  });

  it('counts in its headline the same accounts its per-OU list names as behind, each account once', () => {
    // 666666666666 runs two lagging versions (retired and revoked): one account behind, not two.
    const items = [...ITEMS, usage('1.0.0/2', 'eu-west-1', { '666666666666': 1 })];
    items.push(usage('1.0.0/1', 'eu-west-1', { '666666666666': 2 }));
    const fleet = imageFleet('base', 'prod', items);
    const rows = channelFleet('base', 'prod', items, undefined, () => undefined);
    const listed = rows.flatMap((r) => r.laggards);
    expect(listed).toEqual(['444444444444', '555555555555', '666666666666']);
    expect(fleet.behind).toEqual({ accounts: listed.length, revoked: 2, using: 6 });
    const text = renderFleet({ images: [fleet], channels: rows, compliance: [], missed: [], ouNames: {} });
    expect(text).toContain('  3 of the 6 account(s) that run it are behind prod');
    expect(text).toContain('    behind: 444444444444, 555555555555, 666666666666');
  });

  it("names each OU once: the organization's name and its id, or the id alone when no name is held", () => {
    const row = (ou: string) => ({
      image: 'base',
      channel: 'prod',
      ou,
      accounts: 1,
      standings: { current: { accounts: 1, instances: 2 } },
      laggards: [],
    });
    const text = renderFleet({
      images: [imageFleet('base', 'prod', ITEMS)],
      channels: [row('ou-ab12-11111111'), row('ou-ab12-22222222'), row('ou-ab12-33333333')],
      compliance: [],
      missed: [],
      ouNames: { 'ou-ab12-11111111': 'Workloads', 'ou-ab12-22222222': 'ou-ab12-22222222' },
    });
    const lines = text.split('\n').filter((l) => l.startsWith('  prod / '));
    expect(lines.map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      '  prod / ou-ab12-11111111 (Workloads)',
      '  prod / ou-ab12-22222222',
      '  prod / ou-ab12-33333333',
    ]);
  });

  it('answers `goldsmith fleet` on a saved cloud, as JSON too', async () => {
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-fleet-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: ITEMS,
    });
    const out = await captureOutput(() => main(['fleet', 'base', '--local', dir, '--json']));
    expect(out.code, out.stderr).toBe(0);
    const json = JSON.parse(out.stdout) as { images: { image: string; totals: { revoked: { accounts: number } } }[] };
    expect(json.images.map((i) => [i.image, i.totals.revoked.accounts])).toEqual([['base', 1]]);
    const all = await captureOutput(() => main(['fleet', '--local', dir]));
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('base  (prod: 1.0.0/4)');
    const unknown = await captureOutput(() => main(['fleet', 'nope', '--local', dir]));
    expect(unknown.code).toBe(1);
  });

  it("warns when a Region's AMI key holds 80 % of KMS's grants quota: one grant per account and per instance's volume", async () => {
    // 4,000 accounts with 9 instances each in us-east-1: 4,000 + 36,000 = 40,000 grants; eu-west-1 stays low.
    const many = Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [String(500_000_000_000 + i), 9]));
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-fleet-grants-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: [...ITEMS.filter((i) => !String(i.sk).startsWith('USAGE#')), usage('1.0.0/4', 'us-east-1', many)],
    });
    const out = await captureOutput(() => main(['fleet', 'base', '--local', dir]));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        /^warning: the AMI key in us-east-1 holds 40000 grants in the ledger's usage reports .*\(4000 explicit, 36000 for attached EBS volumes\), 80 % of KMS's 50000 per key/,
      ),
    ]);
    const fewer = await writeSavedCloud(join(testTempDir('goldsmith-fleet-grants-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: ITEMS,
    });
    expect((await captureOutput(() => main(['fleet', 'base', '--local', fewer]))).stdout).not.toContain('warning:');
  });

  it('warns from the daily grants count of a Region instead of the estimate, when the ledger holds one', async () => {
    const many = Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [String(500_000_000_000 + i), 9]));
    const count = (region: string, total: number) => ({
      pk: 'KEYGRANTS',
      sk: `REGION#${region}`,
      kind: 'key-grants',
      region,
      total,
      countedAt: AT,
    });
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-fleet-counted-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: [
        ...ITEMS.filter((i) => !String(i.sk).startsWith('USAGE#')),
        // The estimate says 40,000 in us-east-1, the count 12,000; eu-west-1 holds few instances but 45,000 grants.
        usage('1.0.0/4', 'us-east-1', many),
        usage('1.0.0/4', 'eu-west-1', { '111111111111': 2 }),
        count('us-east-1', 12_000),
        count('eu-west-1', 45_000),
      ],
    });
    const out = await captureOutput(() => main(['fleet', 'base', '--local', dir]));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: the AMI key in eu-west-1 holds 45000 grants as ListGrants counted them at ${AT}, 90 % of 50000 per key: past it, launches from Goldsmith's encrypted AMIs fail there (docs/consumers.md, "KMS grants")`,
    ]);
  });

  describe('of a channel whose version was revoked', () => {
    const REVOKED_AT = '2027-03-09T10:00:00.000Z';
    const revocation = (version: string) => ({
      pk: 'IMAGE#base',
      sk: `REVOCATION#${version}`,
      version,
      state: 'revoked',
      reason: 'CVE-2027-0001',
      channels: ['prod'],
      at: REVOKED_AT,
      revokedAt: REVOKED_AT,
    });
    const rollback = (from: string, to: string | null, by = 'goldsmith', reason = 'revoked: CVE-2027-0001') => ({
      pk: 'IMAGE#base',
      sk: `ROLLBACK#prod#${from}`,
      kind: 'rollback',
      image: 'base',
      channel: 'prod',
      from,
      to,
      by,
      reason,
      at: REVOKED_AT,
    });
    const headline = (items: LedgerItem[]) =>
      renderFleet({
        images: [imageFleet('base', 'prod', items)],
        channels: [],
        compliance: [],
        missed: [],
        ouNames: {},
      }).split('\n')[0];

    it('says the channel is empty since the revocation, not that it was never promoted', () => {
      const items = [promoted('1.0.0/1'), revocation('1.0.0/1'), rollback('1.0.0/1', null), ...ITEMS.slice(-1)];
      expect(headline(items)).toBe('base  (prod: empty since 1.0.0/1 revoked 2027-03-09 10:00 (CVE-2027-0001))');
    });

    it('says the channel was rolled back to its version by the revocation', () => {
      const items = [
        promoted('1.0.0/1'),
        promoted('1.0.0/2'),
        { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/1', at: REVOKED_AT },
        revocation('1.0.0/2'),
        rollback('1.0.0/2', '1.0.0/1'),
      ];
      expect(headline(items)).toBe(
        'base  (prod: 1.0.0/1, rolled back to it when 1.0.0/2 revoked 2027-03-09 10:00 (CVE-2027-0001))',
      );
      expect(imageFleet('base', 'prod', items).movedBack?.revoked?.version).toBe('1.0.0/2');
    });

    it('says who rolled a channel back, and why, when an operator did', () => {
      const items = [
        promoted('1.0.0/1'),
        promoted('1.0.0/2'),
        { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/1', at: REVOKED_AT },
        rollback('1.0.0/2', '1.0.0/1', 'ops-lead', 'CHG-1042'),
      ];
      expect(headline(items)).toBe(
        'base  (prod: 1.0.0/1, rolled back by ops-lead at 2027-03-09 10:00: CHG-1042 (from 1.0.0/2))',
      );
    });
  });
});

import { describe, expect, it } from 'vitest';
import { allowedAmisPlan, factoryAccountsOf, OFF_REASON } from '../../../core/allowed-amis/index.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import type { Catalog } from '../../../core/config/schema.js';
import type { LedgerItem } from '../../../core/status/image-view.js';
import { exampleCatalog, exampleFiles, type Mutable } from '../config/helpers.js';

const FACTORY = '123456789012';
const NOW = new Date('2027-03-01T00:00:00.000Z');

function catalogWith(allowedAmis: Mutable | undefined, change: (c: Mutable) => void = () => {}): Catalog {
  const input = exampleCatalog();
  if (allowedAmis) input.allowedAmis = allowedAmis;
  change(input);
  const parsed = parseCatalog(input, exampleFiles());
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

const build = (version: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `BUILD#${version}`,
  buildVersion: version,
  buildVersionArn: `arn:aws:imagebuilder:us-east-1:${FACTORY}:image/goldsmith-base/${version}`,
  status: 'AVAILABLE',
  requestedAt,
  ...extra,
});

/** base: 1.0.0/1 revoked, 1.0.0/2 retired and held for its users, 1.0.0/3 named by staging, 1.0.0/4 by prod. */
const BASE: LedgerItem[] = [
  build('1.0.0/0', '2026-10-01T03:00:00.000Z', {
    retiredAt: '2026-11-01T00:00:00.000Z',
    deletedAt: '2026-12-01T00:00:00.000Z',
  }),
  build('1.0.0/1', '2026-11-12T03:00:00.000Z'),
  {
    sk: 'REVOCATION#1.0.0/1',
    version: '1.0.0/1',
    state: 'revoked',
    at: '2027-01-06T00:00:00.000Z',
    revokedAt: '2027-01-06T00:00:00.000Z',
  },
  build('1.0.0/2', '2026-12-10T03:00:00.000Z', { retiredAt: '2027-02-20T00:00:00.000Z' }),
  { sk: 'HOLD#1.0.0/2', version: '1.0.0/2', accounts: 3, instances: 12, firstHeldAt: '2027-02-21T00:00:00.000Z' },
  build('1.0.0/3', '2026-11-20T03:00:00.000Z'),
  build('1.0.0/4', '2027-02-11T03:00:00.000Z'),
  { sk: 'CHANNEL#staging', version: '1.0.0/3' },
  { sk: 'CHANNEL#prod', version: '1.0.0/4' },
];

function planOf(catalog: Catalog, ledgers: Record<string, LedgerItem[]> = { base: BASE }) {
  const plan = allowedAmisPlan(catalog, factoryAccountsOf(ledgers), ledgers, NOW);
  if (!plan.on) throw new Error(plan.reason);
  return plan;
}

describe('the Allowed AMIs plan', () => {
  it('is off, with the reason, when the catalog has no allowedAmis', () => {
    expect(allowedAmisPlan(catalogWith(undefined), [FACTORY], {}, NOW)).toEqual({ on: false, reason: OFF_REASON });
  });

  it("allows the factory account's AMIs named as Goldsmith names each AMI image, none deprecated", () => {
    const plan = planOf(catalogWith({ mode: 'enabled' }));
    expect(plan.factoryAccounts).toEqual([FACTORY]);
    expect(plan.criteria).toEqual([
      {
        ImageProviders: [FACTORY],
        ImageNames: ['goldsmith-base-*', 'goldsmith-hardened-*', 'goldsmith-app-*'],
        DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 0 },
      },
    ]);
  });

  it('writes the declarative policy: audit_mode, aliases with underscores, every value assigned, the message', () => {
    const plan = planOf(
      catalogWith({
        mode: 'audit-mode',
        deprecatedGraceDays: 7,
        alsoAllow: [{ providers: ['amazon', 'aws-backup-vault'], imageNames: ['al2023-ami-*'] }],
        exceptionMessage: 'Launch a golden image: /goldsmith/<image>/<channel>',
      }),
    );
    expect(plan.policy).toEqual({
      ec2_attributes: {
        allowed_images_settings: {
          state: { '@@assign': 'audit_mode' },
          image_criteria: {
            criteria_1: {
              allowed_image_providers: { '@@assign': [FACTORY] },
              image_names: { '@@assign': ['goldsmith-base-*', 'goldsmith-hardened-*', 'goldsmith-app-*'] },
              deprecation_time_condition: { maximum_days_since_deprecated: { '@@assign': 7 } },
            },
            criteria_2: {
              allowed_image_providers: { '@@assign': ['amazon', 'aws_backup_vault'] },
              image_names: { '@@assign': ['al2023-ami-*'] },
            },
          },
        },
        exception_message: { '@@assign': 'Launch a golden image: /goldsmith/<image>/<channel>' },
      },
    });
  });

  it("attaches to the channels' OUs and says which excluded account the OU's attachment covers anyway", () => {
    const plan = planOf(catalogWith({ mode: 'enabled' }));
    expect(plan.attach).toEqual({
      root: false,
      ous: ['ou-x1y2-dev00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002', 'ou-x1y2-stg00001'],
      accounts: [],
      accountTags: [],
      coveredExclusions: { ous: [], accounts: ['111122223333'] },
    });
  });

  it('for prod alone: only the images and OUs of prod', () => {
    const plan = planOf(
      catalogWith({ mode: 'enabled', channels: ['prod'] }, (c) => {
        c.images.app.channels = ['dev', 'staging'];
      }),
    );
    expect(plan.criteria[0]?.ImageNames).toEqual(['goldsmith-base-*', 'goldsmith-hardened-*']);
    expect(plan.attach.ous).toEqual(['ou-x1y2-prd00001', 'ou-x1y2-prd00002']);
  });

  it('attaches to the root when a channel targets the whole organization, and names account-tag targets apart', () => {
    const plan = planOf(
      catalogWith({ mode: 'enabled' }, (c) => {
        c.channels[0].targets = { accountTags: { team: 'web' } };
        c.channels[2].targets = { organization: true, exclude: { ous: ['ou-x1y2-sbx00001'] } };
      }),
    );
    expect(plan.attach).toMatchObject({ root: true, ous: [], accounts: [], accountTags: [] });
    expect(plan.attach.coveredExclusions.ous).toEqual(['ou-x1y2-sbx00001']);
    const tagged = planOf(
      catalogWith({ mode: 'enabled', channels: ['dev'] }, (c) => {
        c.channels[0].targets = { accountTags: { team: 'web' }, accounts: ['210987654321'] };
      }),
    );
    expect(tagged.attach).toMatchObject({ accounts: ['210987654321'], accountTags: [{ team: 'web' }] });
  });

  it('blocks the revoked and the retired version at once, the held one with a warning; deleted ones are gone', () => {
    const base = planOf(catalogWith({ mode: 'enabled' })).images.find((i) => i.image === 'base');
    const byVersion = Object.fromEntries((base?.versions ?? []).map((v) => [v.version, v]));
    expect(Object.keys(byVersion)).toEqual(['1.0.0/4', '1.0.0/3', '1.0.0/2', '1.0.0/1']);
    expect(byVersion['1.0.0/1']).toMatchObject({
      standing: 'revoked',
      blocked: true,
      blockedFrom: '2027-01-06T00:00:00.000Z',
    });
    expect(byVersion['1.0.0/2']).toMatchObject({ standing: 'retired', blocked: true, heldFor: 3 });
    expect(byVersion['1.0.0/4']).toMatchObject({ standing: 'kept', blocked: false, channels: ['prod'] });
    expect(base?.warnings).toContain(
      'base 1.0.0/2 is retired but held for 3 account(s) still using it: from 2027-02-20 their Auto Scaling groups and launch templates can no longer launch it (deprecatedGraceDays 0)',
    );
  });

  it('warns that a version a pointer names stops launching once retention.deprecateAfter deprecates it', () => {
    const base = planOf(catalogWith({ mode: 'enabled' })).images.find((i) => i.image === 'base');
    expect(base?.versions.find((v) => v.version === '1.0.0/3')).toMatchObject({ blocked: true, channels: ['staging'] });
    expect(base?.warnings).toContain(
      'base 1.0.0/3 is named by staging but retention.deprecateAfter (90d) deprecates it about 2027-02-18: from 2027-02-18 it no longer launches unless a newer version is promoted first',
    );
    expect(base?.warnings).toContain(
      'base 1.0.0/4 is named by prod but retention.deprecateAfter (90d) deprecates it about 2027-05-12: from 2027-05-12 it stops launching unless a newer version is promoted first',
    );
  });

  it('a version deprecated by deprecateAfter before it was retired counts from the earlier time', () => {
    const ledgers = {
      base: [build('1.0.0/7', '2026-09-01T03:00:00.000Z', { retiredAt: '2027-02-25T00:00:00.000Z' })],
    };
    const base = planOf(catalogWith({ mode: 'enabled' }), ledgers).images.find((i) => i.image === 'base');
    expect(base?.versions[0]).toMatchObject({ standing: 'retired', deprecatedAt: '2026-11-30T03:00:00.000Z' });
  });

  it('with a grace, a deprecated version launches for that many days more', () => {
    const base = planOf(catalogWith({ mode: 'enabled', deprecatedGraceDays: 30 })).images.find(
      (i) => i.image === 'base',
    );
    expect(base?.versions.find((v) => v.version === '1.0.0/2')).toMatchObject({
      blocked: false,
      blockedFrom: '2027-03-22T00:00:00.000Z',
    });
    expect(base?.versions.find((v) => v.version === '1.0.0/1')).toMatchObject({ blocked: true });
  });

  it('says the factory account must stay outside the attached OUs when a parent is an Amazon AMI', () => {
    expect(planOf(catalogWith({ mode: 'enabled' })).notes).toEqual([
      `Image Builder launches base from a parent AMI the factory account does not own: keep the factory account (${FACTORY}) outside every OU the policy is attached to, or alsoAllow the parents' providers (an alsoAllow with imageNames is not checked against the parents' names, so this note stays)`,
    ]);
    expect(planOf(catalogWith({ mode: 'enabled', alsoAllow: [{ providers: ['amazon'] }] })).notes).toEqual([]);
  });

  it('lists every image on an outside parent and every factory account, comma-separated', () => {
    const catalog = catalogWith({ mode: 'enabled' }, (c) => {
      c.images['base-copy'] = structuredClone(c.images.base);
    });
    const plan = allowedAmisPlan(catalog, [FACTORY, '210987654321'], { base: BASE }, NOW);
    if (!plan.on) throw new Error(plan.reason);
    expect(plan.notes[0]).toMatch(
      /^Image Builder launches base, base-copy from a parent AMI the factory account does not own: keep the factory account \(123456789012, 210987654321\) outside/,
    );
  });

  it('needs the factory account: none in the ledger and none given is an error', () => {
    expect(() => allowedAmisPlan(catalogWith({ mode: 'enabled' }), [], {}, NOW)).toThrow(
      'no factory account: the AMIs’ owner is not known',
    );
  });
});

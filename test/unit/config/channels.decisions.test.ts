import { describe, expect, it } from 'vitest';
import {
  approverAddresses,
  channelTargets,
  promotionFitsOneExecution,
  uniqueChannelNames,
} from '../../../core/config/rules/channels.js';
import type { CatalogRule } from '../../../core/config/rules/types.js';
import type { Catalog } from '../../../core/config/schema.js';

interface Targets {
  organization?: boolean;
  ous?: string[];
  accounts?: string[];
  accountTags?: Record<string, string>;
  exclude?: { ous?: string[]; accounts?: string[] };
}
interface ChannelShape {
  name: string;
  targets?: Targets;
  soak?: string;
  approval?: { approvers: string[]; timeout: string };
}

/** A catalog with only what the channel rules read; targets default to one account. */
const catalogOf = (channels: ChannelShape[], approvers: Record<string, unknown> = {}): Catalog =>
  ({
    channels: channels.map((c) => {
      const t = c.targets ?? { accounts: ['111122223333'] };
      return {
        ...c,
        targets: {
          organization: t.organization ?? false,
          ous: t.ous ?? [],
          accounts: t.accounts ?? [],
          accountTags: t.accountTags ?? {},
          exclude: { ous: t.exclude?.ous ?? [], accounts: t.exclude?.accounts ?? [] },
        },
      };
    }),
    notifications: { approvers },
  }) as unknown as Catalog;

const problems = (rule: CatalogRule, catalog: Catalog): string[] => {
  const found: string[] = [];
  rule(
    catalog,
    (path, message) => found.push(`${path.map(String).join('.')}: ${message}`),
    { read: () => undefined },
    () => true,
  );
  return found;
};

describe('uniqueChannelNames', () => {
  it('points each repeat at the first channel of that name', () => {
    expect(
      problems(uniqueChannelNames, catalogOf([{ name: 'dev' }, { name: 'prod' }, { name: 'dev' }, { name: 'dev' }])),
    ).toEqual([
      'channels.2.name: duplicate channel "dev" (also channels[0])',
      'channels.3.name: duplicate channel "dev" (also channels[0])',
    ]);
    expect(problems(uniqueChannelNames, catalogOf([{ name: 'dev' }, { name: 'prod' }]))).toEqual([]);
  });
});

describe('channelTargets', () => {
  const one = (targets: Targets) => problems(channelTargets, catalogOf([{ name: 'dev' }, { name: 'prod', targets }]));
  const NOBODY = 'channels.1.targets: must name the organization, or at least one OU, account or account tag';
  const ALL_EXCLUDED =
    'channels.1.targets.exclude: excludes every OU and account the channel targets: nobody could use its images';

  it('accepts the organization, whatever else is listed or excluded', () => {
    expect(one({ organization: true })).toEqual([]);
    expect(one({ organization: true, ous: ['ou-1'], exclude: { ous: ['ou-1'] } })).toEqual([]);
  });

  it('refuses a channel naming nobody, once', () => {
    expect(one({})).toEqual([NOBODY]);
    expect(one({ exclude: { accounts: ['111122223333'] } })).toEqual([NOBODY]);
  });

  it('accepts any one OU, account or tag', () => {
    expect(one({ ous: ['ou-1'] })).toEqual([]);
    expect(one({ accounts: ['111122223333'] })).toEqual([]);
    expect(one({ accountTags: { env: 'prod' } })).toEqual([]);
  });

  it('refuses exclusions that take back every OU, or every account, it names', () => {
    expect(one({ ous: ['ou-1'], exclude: { ous: ['ou-1'] } })).toEqual([ALL_EXCLUDED]);
    expect(one({ accounts: ['111122223333'], exclude: { accounts: ['111122223333'] } })).toEqual([ALL_EXCLUDED]);
  });

  it('accepts exclusions that leave an OU, an account or a tag', () => {
    expect(one({ ous: ['ou-1', 'ou-2'], exclude: { ous: ['ou-1'] } })).toEqual([]);
    expect(one({ accounts: ['111122223333', '444455556666'], exclude: { accounts: ['111122223333'] } })).toEqual([]);
    expect(one({ ous: ['ou-1'], accounts: ['111122223333'], exclude: { ous: ['ou-1'] } })).toEqual([]);
    expect(one({ ous: ['ou-1'], accountTags: { env: 'prod' }, exclude: { ous: ['ou-1'] } })).toEqual([]);
  });
});

describe('promotionFitsOneExecution', () => {
  const OVER = (total: string) =>
    `channels: soaks and approval timeouts add up to ${total}, over Step Functions' one-year maximum execution time for one promotion`;

  it('accepts soaks and approvals that add up to exactly one year', () => {
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', soak: '200d' },
          { name: 'prod', soak: '100d', approval: { approvers: ['ops-lead'], timeout: '65d' } },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses more than a year of soaks and approvals together, adding each of them', () => {
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', soak: '200d' },
          { name: 'prod', soak: '100d', approval: { approvers: ['ops-lead'], timeout: '66d' } },
        ]),
      ),
    ).toEqual([OVER('366d')]);
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', approval: { approvers: ['ops-lead'], timeout: '200d' } },
          { name: 'prod', approval: { approvers: ['ops-lead'], timeout: '166d' } },
        ]),
      ),
    ).toEqual([OVER('366d')]);
  });

  it('leaves a single approval timeout over a year to its own field, even with soaks on top', () => {
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', soak: '10d', approval: { approvers: ['ops-lead'], timeout: '366d' } },
          { name: 'prod', soak: '10d' },
        ]),
      ),
    ).toEqual([]);
  });

  it('counts an approval timeout of exactly one year as within it', () => {
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', approval: { approvers: ['ops-lead'], timeout: '365d' } },
          { name: 'prod', soak: '1d' },
        ]),
      ),
    ).toEqual([OVER('366d')]);
  });

  it('counts nothing for a duration it cannot read', () => {
    expect(
      problems(
        promotionFitsOneExecution,
        catalogOf([
          { name: 'dev', soak: 'forever', approval: { approvers: ['ops-lead'], timeout: 'long' } },
          { name: 'prod', soak: '365d' },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('approverAddresses', () => {
  it('refuses an address for someone no channel asks, naming those channels do ask', () => {
    const catalog = catalogOf(
      [
        { name: 'dev' },
        { name: 'staging', approval: { approvers: ['ops-lead'], timeout: '1d' } },
        { name: 'prod', approval: { approvers: ['ops-lead', 'cto'], timeout: '1d' } },
      ],
      { 'ops-lead': {}, cfo: {}, cto: {} },
    );

    expect(problems(approverAddresses, catalog)).toEqual([
      `notifications.approvers.cfo: "cfo" approves no channel (channels' approvers: ops-lead, cto)`,
    ]);
  });

  it('says "none" when no channel asks anyone', () => {
    expect(problems(approverAddresses, catalogOf([{ name: 'dev' }], { cfo: {} }))).toEqual([
      `notifications.approvers.cfo: "cfo" approves no channel (channels' approvers: none)`,
    ]);
  });
});

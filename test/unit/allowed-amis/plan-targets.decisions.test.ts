import { describe, expect, it } from 'vitest';
import { allowedAmisPlan, factoryAccountsOf } from '../../../core/allowed-amis/index.js';
import { attachmentsFor } from '../../../core/allowed-amis/targets.js';
import type { Catalog } from '../../../core/config/schema.js';

const FACTORY = '123456789012';
const NOW = new Date('2027-03-01T00:00:00.000Z');
const targets = (t: Partial<Record<'organization' | 'ous' | 'accounts' | 'accountTags' | 'exclude', unknown>>) => ({
  organization: false,
  ous: [],
  accounts: [],
  accountTags: {},
  exclude: { ous: [], accounts: [] },
  ...t,
});
/** Only what the plan reads: `n` AMI images, their parents, the channels and the switch. */
function catalogOf(opts: {
  images?: number;
  parent?: unknown;
  alsoAllow?: unknown[];
  channels?: { name: string; targets: ReturnType<typeof targets> }[];
}): Catalog {
  return {
    images: Object.fromEntries(
      Array.from({ length: opts.images ?? 1 }, (_, i) => [
        `img${i}`,
        { kind: 'ami', parent: opts.parent ?? { image: 'base' }, retention: {} },
      ]),
    ),
    channels: opts.channels ?? [{ name: 'prod', targets: targets({ ous: ['ou-a'] }) }],
    allowedAmis: { mode: 'audit-mode', deprecatedGraceDays: 0, alsoAllow: opts.alsoAllow ?? [] },
  } as unknown as Catalog;
}
const notesOf = (catalog: Catalog, accounts = [FACTORY]) => {
  const plan = allowedAmisPlan(catalog, accounts, {}, NOW);
  return plan.on ? plan.notes : [];
};

describe('the Allowed AMIs plan: its notes', () => {
  it('says when per-image names collapse, and how many criteria hold them otherwise', () => {
    expect(notesOf(catalogOf({ images: 501 })).join('\n')).toMatch(
      /^501 images' name patterns do not fit beside 0 alsoAllow/,
    );
    expect(notesOf(catalogOf({ images: 51 }))).toEqual([
      "2 criteria hold Goldsmith's 51 name patterns (50 a criterion)",
    ]);
    expect(notesOf(catalogOf({ images: 50 }))).toEqual([]);
  });

  it('warns about parents the factory does not own unless Amazon’s AMIs are allowed whatever their names', () => {
    const external = catalogOf({ parent: 'ssm:/aws/service/al2023' });
    expect(notesOf(external, [FACTORY, FACTORY])).toEqual([
      expect.stringMatching(/^Image Builder launches img0 from a parent AMI .* \(123456789012\) outside every OU/),
    ]);
    expect(notesOf(catalogOf({ parent: 'ssm:/x', alsoAllow: [{ providers: ['amazon'] }] }))).toEqual([]);
    expect(
      notesOf(catalogOf({ parent: 'ssm:/x', alsoAllow: [{ providers: ['amazon'], imageNames: ['al*'] }] })),
    ).toHaveLength(1);
    expect(notesOf(catalogOf({ parent: 'ssm:/x', alsoAllow: [{ providers: ['aws-marketplace'] }] }))).toHaveLength(1);
  });

  it('names each factory account once, sorted', () => {
    const plan = allowedAmisPlan(catalogOf({}), ['210987654321', FACTORY, FACTORY], {}, NOW);
    expect(plan.on && plan.factoryAccounts).toEqual([FACTORY, '210987654321']);
  });

  it('reads factory accounts from build items only, sorted', () => {
    const arn = (account: string) => `arn:aws:imagebuilder:us-east-1:${account}:image/goldsmith-a/1.0.0/1`;
    expect(
      factoryAccountsOf({
        a: [
          { sk: 'BUILD#1.0.0/2', buildVersionArn: arn('210987654321') },
          { sk: 'PROMOTION#1.0.0/1#prod', buildVersionArn: arn('999999999999') },
          { buildVersionArn: arn('888888888888') },
          { sk: 'BUILD#1.0.0/1', buildVersionArn: arn(FACTORY) },
        ],
      }),
    ).toEqual([FACTORY, '210987654321']);
  });
});

describe('where the policy attaches', () => {
  it('leaves out what a channel excludes, and reports an exclusion only under an OU or root it attaches to', () => {
    const catalog = catalogOf({
      channels: [
        {
          name: 'dev',
          targets: targets({ ous: ['ou-b', 'ou-a'], exclude: { ous: ['ou-b'], accounts: ['111111111111'] } }),
        },
        {
          name: 'prod',
          targets: targets({
            accounts: ['222222222222', '333333333333'],
            exclude: { ous: ['ou-z'], accounts: ['333333333333'] },
          }),
        },
      ],
    });
    expect(attachmentsFor(catalog, ['dev', 'prod'])).toEqual({
      root: false,
      ous: ['ou-a'],
      accounts: ['222222222222'],
      accountTags: [],
      coveredExclusions: { ous: ['ou-b'], accounts: ['111111111111'] },
    });
  });

  it('keeps one entry per set of account tags, whatever their order', () => {
    const catalog = catalogOf({
      channels: [
        { name: 'dev', targets: targets({ accountTags: { ring: 'early', team: 'x' } }) },
        { name: 'prod', targets: targets({ accountTags: { team: 'x', ring: 'early' } }) },
      ],
    });
    expect(attachmentsFor(catalog, ['dev', 'prod']).accountTags).toEqual([{ ring: 'early', team: 'x' }]);
  });
});
